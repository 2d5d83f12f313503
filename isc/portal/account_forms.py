"""Forms of « Votre compte »: the modification demande of one's personal details (« Edit ») and
a mandataire's request to change the company's information.

The forms check what a form can (presence, length, characters, the closed lists); the service
functions check the rest (names, e-mail and phone formats, availability) and their messages are
put on the same fields.
"""

import re

from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from isc import personal_details
from isc.forms import Form as FlaskForm
from isc.models import Civility

REQUIRED = "Ce champ est obligatoire."
COMMENT_MAX = 2000


def single_line(form, field) -> None:
    """Refuse control characters in a one-line field (PostgreSQL cannot even store NUL)."""
    if field.data and not field.data.isprintable():
        raise ValidationError("Ce champ contient des caractères non autorisés.")


def multi_line(form, field) -> None:
    """Refuse control characters in a text area, but its line breaks and tabs."""
    if field.data and not re.sub(r"[\r\n\t]", "", field.data).isprintable():
        raise ValidationError("Ce champ contient des caractères non autorisés.")


def text_field(label: str, maximum: int, *, required: bool = True,
               message: str = REQUIRED) -> StringField:
    validators = [DataRequired(message)] if required else []
    validators += [Length(max=maximum, message=f"{maximum} caractères au plus."), single_line]
    return StringField(label, validators=validators, filters=[_strip])


def civility_field() -> SelectField:
    # validate_choice=False: the choices' own check answers in English; AnyOf says it in French.
    return SelectField(
        "Civilité",
        choices=[SelectChoice("", "Sélectionnez une option")]
        + [SelectChoice(c.value, c.label) for c in Civility],
        validate_choice=False,
        validators=[
            DataRequired("Sélectionnez la civilité."),
            AnyOf([c.value for c in Civility],
                  message="Sélectionnez l'une des civilités proposées."),
        ],
    )


def comment_field() -> TextAreaField:
    return TextAreaField(
        "Commentaire",
        validators=[
            Length(max=COMMENT_MAX,
                   message=f"Le commentaire ne peut pas dépasser {COMMENT_MAX} caractères."),
            multi_line,
        ],
        filters=[_strip],
    )


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ContactDetailsForm(FlaskForm):
    """The personal details people may change: civility, names, e-mail, phones (in the
    order of personal_details.LABELS)."""

    civility = civility_field()
    first_name = text_field("Prénom", 100, message="Le prénom est obligatoire.")
    last_name = text_field("Nom", 100, message="Le nom est obligatoire.")
    email = text_field("Adresse e-mail", 254, message="L'adresse e-mail est obligatoire.")
    direct_phone = text_field("N° de téléphone direct", 32,
                              message="Le numéro de téléphone direct est obligatoire.")
    phone = text_field("N° de téléphone", 32, required=False)

    def fill_from(self, user) -> None:
        """Prefill with `user`'s current values, as people read them."""
        for name in personal_details.LABELS:
            value = getattr(user, name)
            getattr(self, name).data = personal_details.stored(value) if name == "civility" else (
                personal_details.shown(name, value))

    def values(self) -> dict[str, str]:
        """The details as typed, by field name."""
        return {name: getattr(self, name).data or "" for name in personal_details.LABELS}


class ModificationDemandeForm(ContactDetailsForm):
    """« Edit » on « Votre compte »: the details as the person wants them, and why."""

    # A mandataire registered without a direct line: it is asked for only when they give one.
    direct_phone = text_field("N° de téléphone direct", 32, required=False)
    comment = comment_field()


class CompanyChangeForm(FlaskForm):
    """« Demander la modification des informations de l'entreprise » (mandataires, to ANS)."""

    name = text_field("Raison sociale", 255, message="La raison sociale est obligatoire.")
    head_office_address = text_field("Adresse du siège", 500,
                                     message="L'adresse du siège est obligatoire.")
    comment = comment_field()
