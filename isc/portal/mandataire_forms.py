"""Forms of the mandataire's registration journey (étapes 2 to 4)."""

from isc.forms import Form
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from isc.models import Civility

_REQUIRED = "Ce champ est obligatoire."


def _text(label: str, maximum: int, **kwargs) -> StringField:
    return StringField(
        label,
        validators=[DataRequired(_REQUIRED), Length(max=maximum, message=f"{maximum} caractères au plus.")],
        **kwargs,
    )


class PersonalDetailsForm(Form):
    """Étape 2 : Vos informations personnelles."""

    username = _text("Nom d'utilisateur", 64)
    civility = SelectField(
        "Civilité",
        choices=[SelectChoice("", "Sélectionnez une option")] + [SelectChoice(c.value, c.label) for c in Civility],
        validate_choice=False,
        validators=[DataRequired("Sélectionnez votre civilité.")],
    )
    first_name = _text("Prénom", 100)
    last_name = _text("Nom", 100)
    email = _text("Adresse e-mail", 254)
    phone = _text("N° de téléphone", 32)
    accept_cgu = BooleanField(
        "J'accepte les conditions générales d'utilisation du service",
        validators=[DataRequired("Vous devez accepter les conditions générales d'utilisation pour continuer.")],
    )


class KbisUploadForm(Form):
    """Étape 3 : dépôt du Kbis ("Vérifier le document")."""

    kbis = FileField("Extrait Kbis de votre entreprise")


class ConsentForm(Form):
    """Étape 4 : recueil du consentement avant la vérification d'identité."""

    consent = BooleanField(
        "J'accepte que les données ci-dessus soient collectées et utilisées pour la vérification "
        "de mon identité suivant les conditions de confidentialité de notre partenaire",
        validators=[DataRequired("Vous devez accepter la collecte de ces données pour vérifier votre identité.")],
    )


class EmptyForm(Form):
    """A button that only needs its CSRF token ("Suivant", "Reprendre plus tard", "Réessayer")."""
