"""Forms of the portal pages (CSRF-protected by Flask-WTF)."""

from isc.forms import Form
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from isc.models import Role
from isc.passwords import MAX_LENGTH

_REQUIRED = "Ce champ est obligatoire."


def show_error(form, message: str, field_name: str | None = None) -> None:
    """Put a service's refusal on the form: under the field it names, else above the form."""
    field = form._fields.get(field_name) if field_name else None
    if field is not None:
        field.errors.append(message)
    else:
        form.form_errors.append(message)


def _printable(form, field) -> None:
    """Refuse control characters (PostgreSQL cannot even store NUL in text)."""
    if field.data and not field.data.isprintable():
        raise ValidationError("Ce champ contient des caractères non autorisés.")


class SignInForm(Form):
    login = StringField(
        "Nom d'utilisateur ou adresse e-mail",
        validators=[
            DataRequired(_REQUIRED),
            Length(max=254, message="254 caractères au plus."),
            _printable,
        ],
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired(_REQUIRED), Length(max=MAX_LENGTH, message=f"{MAX_LENGTH} caractères au plus.")],
    )


class ForgottenPasswordForm(Form):
    login = StringField(
        "Nom d'utilisateur ou adresse e-mail",
        validators=[
            DataRequired(_REQUIRED),
            Length(max=254, message="254 caractères au plus."),
            _printable,
        ],
    )


class NewPasswordForm(Form):
    password = PasswordField("Nouveau mot de passe", validators=[DataRequired(_REQUIRED)])
    confirmation = PasswordField("Confirmez le nouveau mot de passe", validators=[DataRequired(_REQUIRED)])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired(_REQUIRED)])


class RoleForm(Form):
    """First page of the registration: the role the person registers with."""

    # The choices' own check answers in English: AnyOf says it in French.
    role = RadioField(
        "Vous êtes",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validate_choice=False,
        validators=[
            DataRequired("Sélectionnez votre rôle."),
            AnyOf([role.value for role in Role], message="Sélectionnez l'un des rôles proposés."),
        ],
    )
