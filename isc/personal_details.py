"""A person's details as they type them (registration, modification, new collaborator):
normalisation, French messages naming the field, and availability of username and e-mail
across accounts and mandataire registrations in progress."""

import sqlalchemy as sa

from isc.extensions import db
from isc.models import Civility, User
from isc.models.registration import Registration, RegistrationStatus
from isc.validation import InvalidField, format_phone, normalize_email, normalize_phone, normalize_username

# Registrations that hold their username and e-mail: nobody else may take them meanwhile.
REGISTRATIONS_HOLDING_NAMES = (
    RegistrationStatus.DRAFT,
    RegistrationStatus.IDENTITY_CHECK,
    RegistrationStatus.IN_REVIEW,
)

# The personal details people may ask to change, with the guide's labels, in display order.
LABELS: dict[str, str] = {
    "civility": "Civilité",
    "first_name": "Prénom",
    "last_name": "Nom",
    "email": "Adresse e-mail",
    "direct_phone": "N° de téléphone direct",
    "phone": "N° de téléphone",
}
USERNAME_TAKEN = "Ce nom d'utilisateur est déjà utilisé : choisissez-en un autre."
EMAIL_TAKEN_BY_OTHER = "Cette adresse e-mail vient d'être prise par un autre compte : elle ne peut pas être utilisée."
EMAIL_TAKEN = (
    "Un compte ou une inscription en cours utilise déjà cette adresse e-mail. "
    "Si c'est le vôtre, connectez-vous ou reprenez votre inscription depuis l'e-mail reçu."
)


class FieldError(InvalidField):
    """A refused value, with the name of the form field it came from."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def normalize_name(value: str, label: str) -> str:
    """A first or last name with its spaces tidied; `InvalidField` when empty or not a name."""
    name = " ".join((value or "").split())
    if not name:
        raise InvalidField(f"Le {label} est obligatoire.")
    if len(name) > 100:
        raise InvalidField(f"Le {label} ne peut pas dépasser 100 caractères.")
    # Control characters too: PostgreSQL cannot even store NUL, whatever form sent it.
    if any(char.isdigit() or not char.isprintable() or char in "<>{}[]@#$%^*=+|\\/;:\"" for char in name):
        raise InvalidField(f"Le {label} ne peut contenir que des lettres, des espaces, des tirets et des apostrophes.")
    return name


def _civility(value: str) -> Civility:
    try:
        return Civility(value)
    except ValueError:
        raise InvalidField("Sélectionnez votre civilité.") from None


def _optional_phone(value: str) -> str:
    return normalize_phone(value) if (value or "").strip() else ""


_CLEANERS = {
    "username": normalize_username,
    "civility": _civility,
    "first_name": lambda value: normalize_name(value, "prénom"),
    "last_name": lambda value: normalize_name(value, "nom"),
    "email": normalize_email,
    "direct_phone": normalize_phone,
    "phone": _optional_phone,
}


def clean(values: dict, fields: tuple[str, ...]) -> dict:
    """The normalised `fields` of `values`; `FieldError` for the first refused one."""
    cleaned = {}
    for field in fields:
        raw = values.get(field)
        if raw is not None and not isinstance(raw, str):
            raise FieldError("Valeur invalide.", field)
        try:
            cleaned[field] = _CLEANERS[field](raw or "")
        except InvalidField as error:
            raise FieldError(str(error), field) from None
    return cleaned


def check_available(
    username: str | None = None,
    email: str | None = None,
    *,
    except_user_id: int | None = None,
    except_registration_id: int | None = None,
) -> None:
    """`FieldError` when an account (but `except_user_id`) or a registration in progress (but
    `except_registration_id`) already uses this username or e-mail."""
    wanted = [(column, value) for column, value in (("username", username), ("email", email)) if value]
    if not wanted:
        return
    users = sa.select(User.username, User.email).where(
        sa.or_(*(getattr(User, column) == value for column, value in wanted))
    )
    if except_user_id is not None:
        users = users.where(User.id != except_user_id)
    drafts = sa.select(Registration.username, Registration.email).where(
        Registration.status.in_(REGISTRATIONS_HOLDING_NAMES),
        sa.or_(*(getattr(Registration, column) == value for column, value in wanted)),
    )
    if except_registration_id is not None:
        drafts = drafts.where(Registration.id != except_registration_id)
    taken = db.session.execute(users).all() + db.session.execute(drafts).all()
    if username and any(row.username == username for row in taken):
        raise FieldError(USERNAME_TAKEN, "username")
    if email and any(row.email == email for row in taken):
        raise FieldError(EMAIL_TAKEN, "email")


def stored(value) -> str:
    """A detail as kept in a demande: enums by value, absent values as ""."""
    return value.value if isinstance(value, Civility) else (value or "")


def shown(field: str, value) -> str:
    """A detail as people read it: "Madame", "+33 1 23 45 67 89"."""
    value = stored(value)
    if field == "civility" and value in Civility._value2member_map_:
        return Civility(value).label
    if field in ("phone", "direct_phone"):
        return format_phone(value)
    return value


def change_row(field: str, before, after) -> tuple[str, str, str]:
    """(label, value before, value after) of a changed detail, for pages and e-mails."""
    return LABELS.get(field, field), shown(field, before), shown(field, after)
