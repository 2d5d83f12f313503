"""The company's collaborators as its people see and manage them: the list and its search,
a collaborator's page, and what mandataires and représentants do directly (add, edit, delete).

Every function takes the acting person first and asks the rights matrix; none commits.
"""

import math
import string
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from isc import accounts, audit, emails, membership, personal_details
from isc.extensions import db
from isc.models import LinkPurpose, Role, User, UserStatus
from isc.models.user import search_key
from isc.permissions import PermissionDenied, Right, has_right, may, require, roles_for

# Accounts that appear as collaborators: pending applicants are demandes, deleted ones are gone.
LISTED_STATUSES = (UserStatus.ACTIVE, UserStatus.DISABLED)
EDITABLE_FIELDS = tuple(personal_details.LABELS)
NEW_COLLABORATOR_FIELDS = ("username", *EDITABLE_FIELDS)
SEARCH_MAX = 100


class CollaboratorError(Exception):
    """A change to a collaborator was refused; the message is French and safe to show."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class Page:
    items: list[User]
    total: int
    number: int
    size: int

    @property
    def count(self) -> int:
        return max(1, math.ceil(self.total / self.size))


def _listed(user: User):
    return sa.select(User).where(User.company_id == user.company_id, User.status.in_(LISTED_STATUSES))


def search(user: User, text: str = "", page: int = 1, size: int = 20) -> Page:
    """"Liste des collaborateurs": the company's accounts matching every word of `text` (in the
    name, first name, e-mail or username; case and accents ignored), by name, one page at a time."""
    require(user, Right.VIEW_COLLABORATORS)
    query = _listed(user)
    for word in search_key((text or "")[:SEARCH_MAX]).split()[:5]:
        query = query.where(User.search_text.contains(word, autoescape=True))
    total = db.session.scalar(query.with_only_columns(sa.func.count(User.id)))
    number = min(max(1, page), max(1, math.ceil(total / size)))
    items = db.session.scalars(
        query.order_by(User.search_text, User.id)  # by name then first name, accents ignored
        .offset((number - 1) * size).limit(size)
    ).all()
    return Page(items=list(items), total=total, number=number, size=size)


def last_signed_in(user: User, limit: int = 3) -> list[User]:
    """The collaborators (not `user`) who signed in most recently, for the dashboard."""
    require(user, Right.VIEW_COLLABORATORS)
    return list(db.session.scalars(
        _listed(user).where(User.id != user.id, User.last_login_at.is_not(None))
        .order_by(User.last_login_at.desc()).limit(limit)
    ))


def find(user: User, public_id: str) -> User | None:
    """The collaborator with this public id, if `user` may see them (same company)."""
    if not has_right(user, Right.VIEW_COLLABORATORS) or not _looks_like_public_id(public_id):
        return None
    return db.session.scalar(_listed(user).where(User.public_id == public_id))


def _looks_like_public_id(value) -> bool:
    """32 hexadecimal digits: anything else designates nobody (and a NUL would not even reach
    PostgreSQL)."""
    return isinstance(value, str) and len(value) == 32 and all(char in string.hexdigits for char in value)


def roles_addable_by(user: User) -> list[Role]:
    """The roles `user` may give a collaborator they add, in the matrix's order."""
    allowed = roles_for(user, Right.ADD_COLLABORATOR)
    return [role for role in Role if role in allowed]


def add(actor: User, role: Role | str, values: dict) -> User:
    """"Ajouter un collaborateur": an active account, and an invitation e-mail carrying the link
    to set its password."""
    try:
        role = Role(role)
    except ValueError:
        raise CollaboratorError("Choisissez le rôle du collaborateur.", field="role") from None
    if role not in roles_for(actor, Right.ADD_COLLABORATOR):
        raise PermissionDenied("Vos droits ne vous permettent pas d'ajouter un collaborateur avec ce rôle.")
    fields = _clean(values, NEW_COLLABORATOR_FIELDS)
    _check_available(fields.get("username"), fields.get("email"), None)
    user = User(company_id=actor.company_id, role=role, status=UserStatus.ACTIVE, **fields)
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        raise CollaboratorError(personal_details.USERNAME_TAKEN, field="username") from None
    audit.record("collaborator.added", actor=actor, target=user, role=role.value)
    token = accounts.issue_password_link(user, LinkPurpose.SETUP)
    emails.send("collaborator_invitation", user.email, user=user, inviter=actor, company=actor.company,
                url=accounts.password_link_url(token), ttl_hours=accounts.setup_link_hours())
    return user


def update(actor: User, target: User, values: dict) -> list[str]:
    """"Éditer": change a représentant's or salarié's personal details directly; the person is
    told by e-mail. Returns the labels of the fields that changed."""
    require(actor, Right.EDIT_COLLABORATOR, target)
    fields = _clean(values, EDITABLE_FIELDS)
    changed = {name: value for name, value in fields.items() if getattr(target, name) != value}
    if not changed:
        return []
    _check_available(None, changed.get("email"), target)
    former_email = target.email
    rows = [personal_details.change_row(name, getattr(target, name), value) for name, value in changed.items()]
    try:
        with db.session.begin_nested():  # the e-mail may be taken at this very moment
            for name, value in changed.items():
                setattr(target, name, value)
            if target.email != former_email:
                target.email_verified_at = None  # proven again by the next e-mailed link
            db.session.flush()
    except IntegrityError:
        raise CollaboratorError(personal_details.EMAIL_TAKEN_BY_OTHER, field="email") from None
    audit.record("collaborator.updated", actor=actor, target=target, fields=sorted(changed))
    emails.send("collaborator_updated", target.email, user=target, editor=actor, rows=rows)
    if former_email != target.email:
        emails.send("email_changed", former_email, user=target, new_email=target.email)
    return [label for label, _, _ in rows]


def delete(actor: User, target: User) -> None:
    """"Supprimer": the account ends at once (sessions, services' tokens), its pending demandes
    are cancelled and the person's data erased; the audit trail keeps the event."""
    require(actor, Right.DELETE_COLLABORATOR, target)
    emails.send("account_deleted", target.email, user=target, company=target.company)
    audit.record("collaborator.deleted", actor=actor, target=target, role=target.role.value)
    membership.cancel_demandes_of(target, "account_deleted")
    accounts.delete_account(target, "account_deleted")


def may_edit(actor: User, target: User) -> bool:
    return may(actor, Right.EDIT_COLLABORATOR, target)


def may_delete(actor: User, target: User) -> bool:
    return may(actor, Right.DELETE_COLLABORATOR, target)


def _clean(values: dict, fields: tuple[str, ...]) -> dict:
    try:
        return personal_details.clean(values, fields)
    except personal_details.FieldError as error:
        raise CollaboratorError(str(error), field=error.field) from None


def _check_available(username: str | None, email: str | None, target: User | None) -> None:
    try:
        personal_details.check_available(username, email, except_user_id=target.id if target else None)
    except personal_details.FieldError as error:
        raise CollaboratorError(str(error), field=error.field) from None

