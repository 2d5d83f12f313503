"""Forms of the représentant's and salarié's registration: « Votre entreprise » (Chercher) and
« Informations personnelles ».

The fields check what a form can (presence, length, control characters); each personal detail
is then checked by `personal_details.clean`, the rule the service applies, so that every refused
field is shown at once rather than the first only.
"""

from isc.forms import Form
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from isc import personal_details
from isc.membership import APPLICANT_FIELDS
from isc.models import Civility, IdentifierType

_REQUIRED = "Ce champ est obligatoire."

# The choices of « Type d'identifiant », as people read them.
IDENTIFIER_TYPE_LABELS = {
    IdentifierType.SIREN: "SIREN (France)",
    IdentifierType.SIRET: "SIRET (France)",
    IdentifierType.EU_VAT: "N° de TVA intracommunautaire",
    IdentifierType.FOREIGN: "Identifiant étranger",
}


def _printable(form, field) -> None:
    """Refuse control characters (PostgreSQL cannot even store NUL in text)."""
    if field.data and not field.data.isprintable():
        raise ValidationError("Ce champ contient des caractères non autorisés.")


def _text(label: str, maximum: int, *, required: bool = True) -> StringField:
    presence = DataRequired(_REQUIRED) if required else Optional()
    return StringField(
        label,
        validators=[
            presence,
            Length(max=maximum, message=f"{maximum} caractères au plus."),
            _printable,
        ],
    )


class CompanySearchForm(Form):
    """« Votre entreprise »: the national identifier of the company, then « Chercher »."""

    identifier_type = SelectField(
        "Type d'identifiant",
        choices=[SelectChoice(kind.value, label) for kind, label in IDENTIFIER_TYPE_LABELS.items()],
        validate_choice=False,  # its English message: AnyOf says it in French
        validators=[
            DataRequired("Sélectionnez le type d'identifiant de votre entreprise."),
            AnyOf(
                [kind.value for kind in IdentifierType],
                message="Sélectionnez l'un des types d'identifiant proposés.",
            ),
        ],
    )
    identifier = StringField(
        "Identifiant",
        validators=[
            DataRequired("Saisissez l'identifiant de votre entreprise."),
            Length(max=64, message="64 caractères au plus."),
            _printable,
        ],
    )


class ApplicantForm(Form):
    """« Informations personnelles » of the person asking to join their company."""

    username = _text("Nom d'utilisateur", 64)
    civility = SelectField(
        "Civilité",
        choices=[SelectChoice("", "Sélectionnez une option")]
        + [SelectChoice(c.value, c.label) for c in Civility],
        validate_choice=False,
        validators=[DataRequired("Sélectionnez votre civilité.")],
    )
    first_name = _text("Prénom", 100)
    last_name = _text("Nom", 100)
    email = _text("Adresse e-mail", 254)
    direct_phone = _text("N° de téléphone direct", 32)
    phone = _text("N° de téléphone", 32, required=False)
    accept_cgu = BooleanField(
        "En cochant cette case, vous acceptez les conditions générales d'utilisation du service",
        validators=[
            DataRequired(
                "Vous devez accepter les conditions générales d'utilisation "
                "pour envoyer votre demande."
            )
        ],
    )

    def values(self) -> dict:
        """The personal details as typed, for `membership.request_registration`."""
        return {name: self[name].data or "" for name in APPLICANT_FIELDS}

    # Each detail by the service's own rule (its French message names the problem).
    def _cleaned(self, field) -> None:
        if field.errors:  # too long or not printable: one message is enough
            return
        try:
            personal_details.clean({field.name: field.data}, (field.name,))
        except personal_details.FieldError as error:
            raise ValidationError(str(error)) from None

    validate_username = validate_civility = validate_first_name = validate_last_name = _cleaned
    validate_email = validate_direct_phone = validate_phone = _cleaned
