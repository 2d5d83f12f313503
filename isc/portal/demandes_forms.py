"""Forms of « Vos demandes à traiter »: the decision buttons and the reason of a refusal."""

from isc.forms import Form
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from isc.membership import TEXT_MAX

REASON_REQUIRED = "Expliquez la raison du refus : la personne la recevra par e-mail."
REASON_TOO_LONG = f"Le motif du refus ne peut pas dépasser {TEXT_MAX} caractères."
REASON_CONTROL = "Le motif du refus contient des caractères non autorisés : retirez-les, puis envoyez à nouveau."
_LINE_BREAKS = {"\n", "\r", "\t"}


def _readable(form, field) -> None:
    """Refuse control characters but line breaks (PostgreSQL cannot even store NUL)."""
    if field.data and any(not char.isprintable() and char not in _LINE_BREAKS for char in field.data):
        raise ValidationError(REASON_CONTROL)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class DecisionForm(Form):
    """« Valider l'inscription » / « Valider la modification »: a button and its CSRF token."""


class RefusalForm(Form):
    """« Refuser »: the reason, e-mailed to the person."""

    reason = TextAreaField(
        "Motif du refus",
        filters=[_strip],
        validators=[
            DataRequired(REASON_REQUIRED),
            Length(max=TEXT_MAX, message=REASON_TOO_LONG),
            _readable,
        ],
    )
