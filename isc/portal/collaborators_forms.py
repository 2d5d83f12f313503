"""Forms of « Vos collaborateurs »: adding a collaborator, editing one (« Éditer ») and
confirming a deletion (« Supprimer »)."""

from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from isc.forms import Form as FlaskForm
from isc.models import Role
from isc.portal.account_forms import ContactDetailsForm, text_field


class CollaboratorEditForm(ContactDetailsForm):
    """« Éditer »: a représentant's or salarié's details, changed directly."""


class NewCollaboratorForm(ContactDetailsForm):
    """« Ajouter un collaborateur »: the role (among those the person may give) and the
    details of the account to create."""

    role = RadioField(
        "Rôle du collaborateur",
        validate_choice=False,
        validators=[DataRequired("Choisissez le rôle du collaborateur.")],
    )
    username = text_field("Nom d'utilisateur", 64, message="Le nom d'utilisateur est obligatoire.")

    def __init__(self, roles: list[Role], *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page asks the role and the username first: list the fields (and so the error
        # summary) in that order, not in the order the classes declared them.
        first = ("csrf_token", "role", "username")
        fields = self._fields
        self._fields = {**{name: fields[name] for name in first if name in fields}, **fields}
        self.allowed_roles = [role.value for role in roles]
        self.role.choices = [SelectChoice(role.value, role.label) for role in roles]
        if len(roles) == 1 and not self.role.data:
            self.role.data = roles[0].value

    def validate_role(self, field) -> None:
        if field.data not in self.allowed_roles:
            raise ValidationError("Choisissez l'un des rôles proposés.")

    def values(self) -> dict[str, str]:
        return {"username": self.username.data or "", **super().values()}


class ConfirmDeletionForm(FlaskForm):
    """« Supprimer »: the confirmation button only needs its CSRF token."""
