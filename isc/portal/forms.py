"""Forms of the sign-in and password pages (CSRF-protected by Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from isc.passwords import MAX_LENGTH

_REQUIRED = "Ce champ est obligatoire."


class SignInForm(FlaskForm):
    login = StringField(
        "Nom d'utilisateur ou adresse e-mail",
        validators=[DataRequired(_REQUIRED), Length(max=254, message="254 caractères au plus.")],
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired(_REQUIRED), Length(max=MAX_LENGTH, message=f"{MAX_LENGTH} caractères au plus.")],
    )


class ForgottenPasswordForm(FlaskForm):
    login = StringField(
        "Nom d'utilisateur ou adresse e-mail",
        validators=[DataRequired(_REQUIRED), Length(max=254, message="254 caractères au plus.")],
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField("Nouveau mot de passe", validators=[DataRequired(_REQUIRED)])
    confirmation = PasswordField("Confirmez le nouveau mot de passe", validators=[DataRequired(_REQUIRED)])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired(_REQUIRED)])
