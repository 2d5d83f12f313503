"""The rights matrix ("Ses droits"): who may do what to whom, role by role and right by right.

The expected tables below are written from the guide, not read from isc/permissions.py: they are
the specification the module is checked against.
"""

import pytest
from flask_login import AnonymousUserMixin

from isc.models import Role, UserStatus
from isc.permissions import (
    PermissionDenied,
    Right,
    deciders_of,
    has_right,
    may,
    require,
    rights_table,
    roles_for,
)

M, R, S = Role.MANDATAIRE, Role.REPRESENTANT, Role.SALARIE
NOBODY = frozenset()
EVERYONE = frozenset({M, R, S})
STAFF = frozenset({R, S})

# role of the actor → right → roles of the collaborators it applies to (guide, "Gestion de votre
# compte": mandataires and représentants edit and delete "les autres comptes d'utilisateurs
# représentants ou salariés"; a représentant's demande goes to the mandataire, a salarié's to the
# mandataire or a représentant; only the mandataire asks ANS to change the company).
EXPECTED = {
    M: {
        Right.VIEW_COLLABORATORS: EVERYONE,
        Right.ADD_COLLABORATOR: STAFF,
        Right.EDIT_COLLABORATOR: STAFF,
        Right.DELETE_COLLABORATOR: STAFF,
        Right.PROCESS_DEMANDES: STAFF,
        Right.REQUEST_OWN_CHANGE: EVERYONE,
        Right.REQUEST_COMPANY_CHANGE: EVERYONE,
    },
    R: {
        Right.VIEW_COLLABORATORS: EVERYONE,
        Right.ADD_COLLABORATOR: frozenset({S}),
        Right.EDIT_COLLABORATOR: STAFF,
        Right.DELETE_COLLABORATOR: STAFF,
        Right.PROCESS_DEMANDES: frozenset({S}),
        Right.REQUEST_OWN_CHANGE: EVERYONE,
        Right.REQUEST_COMPANY_CHANGE: NOBODY,
    },
    S: {
        Right.VIEW_COLLABORATORS: EVERYONE,
        Right.ADD_COLLABORATOR: NOBODY,
        Right.EDIT_COLLABORATOR: NOBODY,
        Right.DELETE_COLLABORATOR: NOBODY,
        Right.PROCESS_DEMANDES: NOBODY,
        Right.REQUEST_OWN_CHANGE: EVERYONE,
        Right.REQUEST_COMPANY_CHANGE: NOBODY,
    },
}
# Rights exercised on one collaborator's account (the others are about oneself or the company).
ON_A_COLLABORATOR = (Right.VIEW_COLLABORATORS, Right.EDIT_COLLABORATOR, Right.DELETE_COLLABORATOR,
                     Right.PROCESS_DEMANDES)
NEVER_ON_ONESELF = (Right.EDIT_COLLABORATOR, Right.DELETE_COLLABORATOR, Right.PROCESS_DEMANDES)
INACTIVE = (UserStatus.DISABLED, UserStatus.PENDING, UserStatus.DELETED)

LABELS = [
    "Consultation de la liste des comptes de l'ensemble des collaborateurs de l'entreprise",
    "Ajout d'un collaborateur (compte créé directement)",
    "Modification des informations personnelles des représentants et salariés",
    "Suppression des comptes des représentants et salariés",
    "Validation des demandes d'inscription et de modification des collaborateurs",
    "Demande de modification de ses informations personnelles",
    "Demande de modification des informations de l'entreprise auprès de l'ANS",
]


@pytest.fixture
def company(make_company):
    return make_company()


@pytest.fixture
def people(make_user, company):
    """One active person of each role in one company, and a second one of each role (targets)."""
    return {role: (make_user(role.value, company=company, password=None),
                   make_user(role.value, company=company, password=None)) for role in Role}


def test_the_expected_table_covers_every_role_and_right():
    assert set(EXPECTED) == set(Role)
    assert all(set(rights) == set(Right) for rights in EXPECTED.values())


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("right", list(Right))
def test_each_role_holds_exactly_its_rights(people, role, right):
    actor = people[role][0]
    assert has_right(actor, right) is bool(EXPECTED[role][right])
    assert roles_for(actor, right) == EXPECTED[role][right]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("right", ON_A_COLLABORATOR)
@pytest.mark.parametrize("target_role", list(Role))
def test_each_role_exercises_each_right_on_exactly_the_roles_of_the_matrix(people, role, right, target_role):
    actor, target = people[role][0], people[target_role][1]
    assert may(actor, right, target) is (target_role in EXPECTED[role][right])


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("right", ON_A_COLLABORATOR)
def test_no_right_reaches_another_company(people, make_user, make_company, role, right):
    actor = people[role][0]
    elsewhere = make_company()
    for target_role in Role:
        stranger = make_user(target_role.value, company=elsewhere, password=None)
        assert may(actor, right, stranger) is False
        with pytest.raises(PermissionDenied):
            require(actor, right, stranger)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("right", NEVER_ON_ONESELF)
def test_nobody_edits_deletes_or_decides_about_themselves(people, role, right):
    actor = people[role][0]
    assert may(actor, right, actor) is False


@pytest.mark.parametrize("role", list(Role))
def test_everyone_sees_their_own_line_in_the_list(people, role):
    actor = people[role][0]
    assert may(actor, Right.VIEW_COLLABORATORS, actor) is True


@pytest.mark.parametrize("status", INACTIVE)
@pytest.mark.parametrize("role", list(Role))
def test_an_inactive_person_holds_no_right_at_all(db, people, role, status):
    actor = people[role][0]
    actor.status = status
    db.session.commit()
    for right in Right:
        assert has_right(actor, right) is False
        assert roles_for(actor, right) == frozenset()
        for target_role in Role:
            assert may(actor, right, people[target_role][1]) is False
    with pytest.raises(PermissionDenied):
        require(actor, Right.VIEW_COLLABORATORS)


@pytest.mark.parametrize("right", ON_A_COLLABORATOR)
def test_a_deleted_account_is_never_a_target(db, people, right):
    mandataire, salarie = people[M][0], people[S][1]
    salarie.status = UserStatus.DELETED
    db.session.commit()
    assert may(mandataire, right, salarie) is False


@pytest.mark.parametrize("right", [Right.EDIT_COLLABORATOR, Right.DELETE_COLLABORATOR])
def test_a_disabled_collaborator_can_still_be_edited_and_deleted(db, people, right):
    mandataire, salarie = people[M][0], people[S][1]
    salarie.status = UserStatus.DISABLED
    db.session.commit()
    assert may(mandataire, right, salarie) is True


def test_a_pending_applicant_is_the_target_of_processing(db, people):
    mandataire, representant, salarie = people[M][0], people[R][0], people[S][1]
    salarie.status = UserStatus.PENDING
    db.session.commit()
    assert may(mandataire, Right.PROCESS_DEMANDES, salarie) is True
    assert may(representant, Right.PROCESS_DEMANDES, salarie) is True


def test_require_raises_a_french_message_and_passes_silently_when_granted(people):
    mandataire, salarie = people[M][0], people[S][0]
    require(mandataire, Right.DELETE_COLLABORATOR, salarie)  # granted: nothing happens
    require(mandataire, Right.REQUEST_COMPANY_CHANGE)
    with pytest.raises(PermissionDenied, match="Vos droits ne vous permettent pas de faire cette action."):
        require(salarie, Right.DELETE_COLLABORATOR, mandataire)
    with pytest.raises(PermissionDenied):
        require(salarie, Right.ADD_COLLABORATOR)


@pytest.mark.parametrize("role, deciders", [
    (R, {M}),
    (S, {M, R}),
    (M, set()),  # ANS decides a mandataire's demandes
])
def test_deciders_of_each_role(role, deciders):
    assert deciders_of(role) == frozenset(deciders)


@pytest.mark.parametrize("role", list(Role))
def test_rights_table_lists_every_right_with_the_guide_labels_in_order(people, role):
    table = rights_table(people[role][0])
    assert [label for label, _ in table] == LABELS
    assert [granted for _, granted in table] == [bool(EXPECTED[role][right]) for right in Right]


def test_rights_table_of_a_salarie_grants_only_viewing_and_asking_for_a_change(people):
    granted = [label for label, ok in rights_table(people[S][0]) if ok]
    assert granted == [LABELS[0], LABELS[5]]


def test_templates_ask_rights_by_name(app, people):
    assert app.jinja_env.globals["has_right"] is has_right
    assert has_right(people[M][0], "process_demandes") is True
    assert has_right(people[S][0], "process_demandes") is False


def test_someone_not_signed_in_holds_no_right(app):
    nobody = AnonymousUserMixin()
    assert has_right(nobody, Right.VIEW_COLLABORATORS) is False
    assert roles_for(nobody, Right.VIEW_COLLABORATORS) == frozenset()
