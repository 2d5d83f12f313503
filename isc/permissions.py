"""The rights matrix of the company portal ("Ses droits"), the one place that says who may do
what to whom. Every portal view and service asks it; anything it does not grant is denied.

A right is held by a role and applies to collaborators of some roles, always of the same
company, and never to oneself for edit and delete (the guide: "les autres comptes").
"""

import enum

from isc.models import Role, User, UserStatus


class Right(enum.StrEnum):
    VIEW_COLLABORATORS = "view_collaborators"
    ADD_COLLABORATOR = "add_collaborator"
    EDIT_COLLABORATOR = "edit_collaborator"
    DELETE_COLLABORATOR = "delete_collaborator"
    PROCESS_DEMANDES = "process_demandes"
    REQUEST_OWN_CHANGE = "request_own_change"
    REQUEST_COMPANY_CHANGE = "request_company_change"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Right.VIEW_COLLABORATORS: "Consultation de la liste des comptes de l'ensemble des collaborateurs de l'entreprise",
    Right.ADD_COLLABORATOR: "Ajout d'un collaborateur (compte créé directement)",
    Right.EDIT_COLLABORATOR: "Modification des informations personnelles des représentants et salariés",
    Right.DELETE_COLLABORATOR: "Suppression des comptes des représentants et salariés",
    Right.PROCESS_DEMANDES: "Validation des demandes d'inscription et de modification des collaborateurs",
    Right.REQUEST_OWN_CHANGE: "Demande de modification de ses informations personnelles",
    Right.REQUEST_COMPANY_CHANGE: "Demande de modification des informations de l'entreprise auprès de l'ANS",
}

_ALL = frozenset(Role)
_STAFF = frozenset({Role.REPRESENTANT, Role.SALARIE})

# role → right → the roles of the collaborators it applies to (for rights about oneself or the
# company, the set only needs to be non-empty).
MATRIX: dict[Role, dict[Right, frozenset[Role]]] = {
    Role.MANDATAIRE: {
        Right.VIEW_COLLABORATORS: _ALL,
        Right.ADD_COLLABORATOR: _STAFF,
        Right.EDIT_COLLABORATOR: _STAFF,
        Right.DELETE_COLLABORATOR: _STAFF,
        Right.PROCESS_DEMANDES: _STAFF,
        Right.REQUEST_OWN_CHANGE: _ALL,
        Right.REQUEST_COMPANY_CHANGE: _ALL,
    },
    Role.REPRESENTANT: {
        Right.VIEW_COLLABORATORS: _ALL,
        Right.ADD_COLLABORATOR: frozenset({Role.SALARIE}),
        Right.EDIT_COLLABORATOR: _STAFF,
        Right.DELETE_COLLABORATOR: _STAFF,
        Right.PROCESS_DEMANDES: frozenset({Role.SALARIE}),
        Right.REQUEST_OWN_CHANGE: _ALL,
    },
    Role.SALARIE: {
        Right.VIEW_COLLABORATORS: _ALL,
        Right.REQUEST_OWN_CHANGE: _ALL,
    },
}

# Rights that act on another person's account: never on one's own.
_ON_OTHERS = {Right.EDIT_COLLABORATOR, Right.DELETE_COLLABORATOR, Right.PROCESS_DEMANDES}


class PermissionDenied(Exception):
    """The signed-in person may not do this; the message is French and safe to show."""


def has_right(user: User, right: Right) -> bool:
    """Whether `user` holds `right` at all (for some collaborators)."""
    return bool(roles_for(user, right))


def roles_for(user: User, right: Right) -> frozenset[Role]:
    """The roles of the collaborators `user` may exercise `right` on."""
    if not isinstance(user, User) or user.status != UserStatus.ACTIVE:
        return frozenset()  # someone not signed in (templates ask too), an agent, or inactive
    return MATRIX[user.role].get(right, frozenset())


def may(user: User, right: Right, target: User) -> bool:
    """Whether `user` may exercise `right` on the account `target`."""
    if target.company_id != user.company_id or target.status == UserStatus.DELETED:
        return False
    if right in _ON_OTHERS and target.id == user.id:
        return False
    return target.role in roles_for(user, right)


def require(user: User, right: Right, target: User | None = None) -> None:
    """Raise `PermissionDenied` unless `user` holds `right` (on `target`, when given)."""
    allowed = has_right(user, right) if target is None else may(user, right, target)
    if not allowed:
        raise PermissionDenied("Vos droits ne vous permettent pas de faire cette action.")


def deciders_of(role: Role) -> frozenset[Role]:
    """The roles that decide the demandes of a person of `role` (empty: ANS decides)."""
    return frozenset(r for r, rights in MATRIX.items() if role in rights.get(Right.PROCESS_DEMANDES, ()))


def rights_table(user: User) -> list[tuple[str, bool]]:
    """(description, granted) for each right, as the "Ses droits" table shows them."""
    return [(right.description, bool(MATRIX[user.role].get(right))) for right in Right]
