"""The company's collaborators as its people see and manage them (isc/collaborators.py): the list
and its search, the dashboard's last sign-ins, a collaborator's page, and what mandataires and
représentants do directly: add (invitation e-mail), edit (notice e-mail) and delete (the account
ends at once: sessions, services' tokens, pending demandes, personal data).

Services flush; like the views, the tests commit once per "request"."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from isc import accounts, collaborators, grants, membership, services
from isc.collaborators import CollaboratorError, Page
from isc.models import (
    AuditEvent,
    AuthSession,
    Civility,
    Demande,
    DemandeStatus,
    Registration,
    RegistrationStatus,
    Role,
    Token,
    TokenFamily,
    User,
    UserStatus,
)
from isc.models.types import utcnow
from isc.permissions import PermissionDenied
from tests.conftest import DEFAULT_PASSWORD, csrf_token_of

IP = "203.0.113.7"
DASHBOARD = "/tableau-de-bord"
NEW_PASSWORD = "une phrase secrète toute neuve"


@pytest.fixture(autouse=True)
def in_a_request(app):
    """The services run in a request, as the views call them: url_for, the client's IP."""
    with app.test_request_context("/collaborateurs", environ_base={"REMOTE_ADDR": IP}):
        yield


@pytest.fixture
def company(make_company):
    return make_company(name="LOGIPRO")


@pytest.fixture
def team(make_user, company):
    return {
        "mandataire": make_user("mandataire", company=company, username="pdurand", email="pdurand@logipro.fr",
                                first_name="Pierre", last_name="DURAND"),
        "representant": make_user("representant", company=company, username="paul.d", email="pauld@logipro.fr",
                                  first_name="Paul", last_name="Durand", direct_phone="+33123456780"),
        "salarie": make_user("salarie", company=company, username="aline.durand",
                             email="alinedurand-convergence@logipro.fr", first_name="Aline", last_name="Durand",
                             direct_phone="+33123456789", phone=""),
    }


def details(user: User, **changes) -> dict:
    """The edit form as it opens (the person's current values), with `changes` typed in."""
    return {
        "civility": user.civility.value, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "direct_phone": user.direct_phone, "phone": user.phone,
    } | changes


NEWCOMER = {
    "username": "linda.moroux", "civility": "madame", "first_name": "Linda", "last_name": "Moroux",
    "email": "linda.moroux@logipro.fr", "direct_phone": "01 23 45 67 89", "phone": "",
}


def events(db, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def emails_of(page: Page) -> list[str]:
    return [user.email for user in page.items]


def signed_in(client) -> bool:
    """True when the dashboard answers, False when the browser is sent to the sign-in page."""
    response = client.get(DASHBOARD)
    if response.status_code == 200:
        return True
    assert response.status_code == 302, response.status_code
    assert urlsplit(response.headers["Location"]).path == "/connexion"
    return False


def sign_in_with(client, login: str, password: str = DEFAULT_PASSWORD):
    page = client.get("/connexion")
    return client.post("/connexion", data={"csrf_token": csrf_token_of(page.get_data(as_text=True)),
                                           "login": login, "password": password})


# --- The list and its search --------------------------------------------------------------------------


@pytest.fixture
def crowd(make_user, make_company, company, team):
    """LOGIPRO's other people, some of whom are not listed, and another company's."""
    make_user("salarie", company=company, username="linda.m", email="linda.moroux@besons.fr",
              first_name="Linda", last_name="Moroux")
    make_user("salarie", company=company, username="alan_b", email="alan.bruger@besons.fr",
              first_name="Alan", last_name="Bruger", status=UserStatus.DISABLED)
    make_user("salarie", company=company, username="candidat", email="durand.candidat@logipro.fr",
              first_name="Jean", last_name="Durand", status=UserStatus.PENDING)
    make_user("salarie", company=company, username="ancien", email="durand.ancien@logipro.fr",
              first_name="Marc", last_name="Durand", status=UserStatus.DELETED)
    make_user("mandataire", company=make_company(), username="durand.ailleurs", email="durand@ailleurs.fr",
              first_name="Aline", last_name="Durand")


def test_everyone_active_or_disabled_of_the_company_is_listed_by_name(db, team, crowd):
    page = collaborators.search(team["salarie"])
    assert [(user.last_name, user.first_name) for user in page.items] == [
        ("Bruger", "Alan"), ("Durand", "Aline"), ("Durand", "Paul"), ("DURAND", "Pierre"), ("Moroux", "Linda")]
    assert (page.total, page.number, page.count) == (5, 1, 1)


@pytest.mark.parametrize("text, expected", [
    ("durand", ["alinedurand-convergence@logipro.fr", "pauld@logipro.fr", "pdurand@logipro.fr"]),  # name
    ("DuRaNd", ["alinedurand-convergence@logipro.fr", "pauld@logipro.fr", "pdurand@logipro.fr"]),
    ("linda", ["linda.moroux@besons.fr"]),  # first name
    ("PAUL", ["pauld@logipro.fr"]),
    ("besons.fr", ["alan.bruger@besons.fr", "linda.moroux@besons.fr"]),  # e-mail
    ("convergence", ["alinedurand-convergence@logipro.fr"]),
    ("paul.d", ["pauld@logipro.fr"]),  # username
    ("aline durand", ["alinedurand-convergence@logipro.fr"]),  # several words: all must match
    ("  durand   pierre ", ["pdurand@logipro.fr"]),
    ("durand linda", []),
    ("personne", []),
])
def test_search_matches_name_first_name_email_or_username_ignoring_case(db, team, crowd, text, expected):
    assert emails_of(collaborators.search(team["representant"], text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("%", []),
    ("_", ["alan.bruger@besons.fr"]),  # alan_b: the only underscore
    ("n_b", ["alan.bruger@besons.fr"]),
    ("d%d", []),
    ("\\", []),
    ("'; DROP TABLE user_account; --", []),
])
def test_percent_and_underscore_are_searched_literally(db, team, crowd, text, expected):
    assert emails_of(collaborators.search(team["salarie"], text)) == expected


def test_a_very_long_search_is_cut_not_refused(db, team, crowd):
    assert collaborators.search(team["salarie"], "durand " * 50 + "x" * 10_000).items == [
        team["salarie"], team["representant"], team["mandataire"]]


def test_pending_and_deleted_accounts_are_not_listed(db, team, crowd):
    listed = emails_of(collaborators.search(team["mandataire"], "durand"))
    assert "durand.candidat@logipro.fr" not in listed and "durand.ancien@logipro.fr" not in listed


def test_another_company_s_people_are_never_listed(db, team, crowd):
    assert "durand@ailleurs.fr" not in emails_of(collaborators.search(team["mandataire"], "aline"))
    assert "durand@ailleurs.fr" not in emails_of(collaborators.search(team["mandataire"], "ailleurs"))


@pytest.fixture
def five(make_user, company):
    """Five people, by name: Aa, Bb, Cc, Dd, Ee."""
    return [make_user("salarie", company=company, last_name=name, first_name="Test", password=None)
            for name in ("Ee", "Cc", "Aa", "Dd", "Bb")]


@pytest.mark.parametrize("asked, number, names", [
    (1, 1, ["Aa", "Bb"]),
    (2, 2, ["Cc", "Dd"]),
    (3, 3, ["Ee"]),
    (0, 1, ["Aa", "Bb"]),
    (-4, 1, ["Aa", "Bb"]),
    (4, 3, ["Ee"]),
    (10**9, 3, ["Ee"]),
])
def test_pages_out_of_range_show_the_nearest_page(db, five, asked, number, names):
    page = collaborators.search(five[0], "test", page=asked, size=2)
    assert (page.number, page.count, page.total) == (number, 3, 5)
    assert [user.last_name for user in page.items] == names


def test_an_empty_result_is_one_empty_page(db, five):
    page = collaborators.search(five[0], "personne", page=3, size=2)
    assert (page.items, page.total, page.number, page.count) == ([], 0, 1, 1)


@pytest.mark.parametrize("status", [UserStatus.DISABLED, UserStatus.PENDING, UserStatus.DELETED])
def test_an_inactive_person_sees_no_list(db, team, status):
    team["salarie"].status = status
    db.session.commit()
    with pytest.raises(PermissionDenied):
        collaborators.search(team["salarie"])
    with pytest.raises(PermissionDenied):
        collaborators.last_signed_in(team["salarie"])


# --- The dashboard's last sign-ins --------------------------------------------------------------------


def test_last_signed_in_are_the_three_latest_others(db, make_user, company, team, make_company):
    now = utcnow()
    people = [make_user("salarie", company=company, password=None, last_login_at=now - timedelta(hours=hours))
              for hours in (5, 1, 3, 2)]
    make_user("salarie", company=company, password=None)  # never signed in
    make_user("salarie", company=make_company(), password=None, last_login_at=now)  # elsewhere
    make_user("salarie", company=company, password=None, status=UserStatus.PENDING, last_login_at=now)
    make_user("salarie", company=company, password=None, status=UserStatus.DELETED, last_login_at=now)
    me = team["mandataire"]
    me.last_login_at = now  # the latest of all, but oneself
    db.session.commit()
    assert collaborators.last_signed_in(me) == [people[1], people[3], people[2]]


def test_last_signed_in_may_be_fewer_than_three(db, team):
    team["salarie"].last_login_at = utcnow()
    db.session.commit()
    assert collaborators.last_signed_in(team["mandataire"]) == [team["salarie"]]
    assert collaborators.last_signed_in(team["salarie"]) == []


# --- A collaborator's page -------------------------------------------------------------------------------


def test_find_returns_a_collaborator_of_the_same_company(db, team):
    assert collaborators.find(team["salarie"], team["mandataire"].public_id) == team["mandataire"]
    assert collaborators.find(team["salarie"], team["salarie"].public_id) == team["salarie"]


def test_find_never_returns_another_company_s_collaborator(db, team, make_user, make_company):
    stranger = make_user("salarie", company=make_company())
    assert collaborators.find(team["mandataire"], stranger.public_id) is None


@pytest.mark.parametrize("public_id", [
    "", "abc", "0" * 32, "g" * 32, "' OR 1=1 --" + " " * 21, "%" * 32, "0" * 33, None, 42, ["x"],
])
def test_find_answers_none_for_bad_or_unknown_ids(db, team, public_id):
    assert collaborators.find(team["mandataire"], public_id) is None


@pytest.mark.parametrize("status", [UserStatus.PENDING, UserStatus.DELETED])
def test_find_does_not_return_pending_or_deleted_accounts(db, team, make_user, company, status):
    hidden = make_user("salarie", company=company, status=status)
    assert collaborators.find(team["mandataire"], hidden.public_id) is None


def test_an_inactive_person_finds_nobody(db, team):
    team["salarie"].status = UserStatus.DISABLED
    db.session.commit()
    assert collaborators.find(team["salarie"], team["mandataire"].public_id) is None


# --- Adding ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, addable", [
    ("mandataire", [Role.REPRESENTANT, Role.SALARIE]),
    ("representant", [Role.SALARIE]),
    ("salarie", []),
])
def test_roles_addable_follow_the_matrix(team, role, addable):
    assert collaborators.roles_addable_by(team[role]) == addable


@pytest.mark.parametrize("actor, role", [("mandataire", "representant"), ("mandataire", "salarie"),
                                          ("representant", "salarie")])
def test_a_collaborator_is_added_active_in_the_actor_s_company(db, company, team, actor, role):
    user = collaborators.add(team[actor], role, NEWCOMER)
    db.session.commit()
    assert (user.role, user.status, user.company_id) == (Role(role), UserStatus.ACTIVE, company.id)
    assert (user.username, user.civility, user.first_name, user.email, user.direct_phone) == (
        "linda.moroux", Civility.MADAME, "Linda", "linda.moroux@logipro.fr", "+33123456789")
    assert user.password_hash is None
    (event,) = events(db, "collaborator.added")
    assert (event.actor_id, event.target_id, event.details, event.ip) == (team[actor].id, user.id,
                                                                          {"role": role}, IP)


@pytest.mark.parametrize("actor, role", [
    ("representant", "representant"), ("representant", "mandataire"), ("mandataire", "mandataire"),
    ("salarie", "salarie"), ("salarie", "representant"),
])
def test_adding_a_role_beyond_one_s_rights_is_denied(db, team, outbox, actor, role):
    with pytest.raises(PermissionDenied):
        collaborators.add(team[actor], role, NEWCOMER)
    db.session.rollback()
    assert db.session.scalar(sa.select(User).where(User.username == "linda.moroux")) is None
    assert outbox.messages() == []


def test_an_inactive_mandataire_adds_nobody(db, team):
    team["mandataire"].status = UserStatus.DISABLED
    db.session.commit()
    with pytest.raises(PermissionDenied):
        collaborators.add(team["mandataire"], "salarie", NEWCOMER)


@pytest.mark.parametrize("role", ["", "chef", None, "MANDATAIRE "])
def test_an_unknown_role_is_refused_on_the_role_field(team, role):
    with pytest.raises(CollaboratorError, match="Choisissez le rôle du collaborateur.") as refused:
        collaborators.add(team["mandataire"], role, NEWCOMER)
    assert refused.value.field == "role"


@pytest.mark.parametrize("field, value", [
    ("username", "pdurand"), ("username", "PDurand"), ("email", "pauld@logipro.fr"), ("email", "PaulD@Logipro.FR"),
])
def test_a_username_or_email_in_use_is_refused_on_its_field(db, team, field, value):
    with pytest.raises(CollaboratorError) as refused:
        collaborators.add(team["mandataire"], "salarie", NEWCOMER | {field: value})
    assert refused.value.field == field


def test_a_username_held_by_a_mandataire_registration_in_progress_is_refused(db, team):
    db.session.add(Registration(status=RegistrationStatus.IDENTITY_CHECK, username="linda.moroux",
                                email="autre@example.fr"))
    db.session.commit()
    with pytest.raises(CollaboratorError) as refused:
        collaborators.add(team["mandataire"], "salarie", NEWCOMER)
    assert refused.value.field == "username"


@pytest.mark.parametrize("field, value", [
    ("username", "é"), ("first_name", "<b>Linda</b>"), ("email", "linda"), ("direct_phone", ""),
    ("civility", "mademoiselle"), ("last_name", ["Moroux"]),
])
def test_a_refused_value_names_its_field(team, field, value):
    with pytest.raises(CollaboratorError) as refused:
        collaborators.add(team["mandataire"], "salarie", NEWCOMER | {field: value})
    assert refused.value.field == field


def test_the_invitation_link_sets_a_password_and_the_newcomer_signs_in(app, db, team, outbox):
    collaborators.add(team["representant"], "salarie", NEWCOMER)
    db.session.commit()
    message = outbox.last("linda.moroux@logipro.fr")
    assert message.template == "collaborator_invitation"
    assert "Paul Durand a créé votre compte" in message.text_body
    assert "en tant que salarié de l'entreprise LOGIPRO" in message.text_body
    assert "linda.moroux" in message.text_body
    (link,) = [link for link in outbox.links(message) if "/mot-de-passe/definir/" in link]

    browser = app.test_client()
    path = urlsplit(link).path
    page = browser.get(path)
    assert page.status_code == 200
    response = browser.post(path, data={"csrf_token": csrf_token_of(page.get_data(as_text=True)),
                                        "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert browser.get(path).status_code == 410  # single use

    newcomer = app.test_client()
    assert sign_in_with(newcomer, "linda.moroux", NEW_PASSWORD).status_code == 303
    assert signed_in(newcomer)


# --- Editing ---------------------------------------------------------------------------------------------


def test_an_edit_changes_only_the_changed_fields_and_tells_the_person(db, team, outbox):
    salarie = team["salarie"]
    changed = collaborators.update(team["mandataire"], salarie, details(
        salarie, first_name="  Aline ", direct_phone="01 23 45 67 99", phone="06 12 34 56 78"))
    db.session.commit()
    assert changed == ["N° de téléphone direct", "N° de téléphone"]
    assert (salarie.first_name, salarie.direct_phone, salarie.phone) == ("Aline", "+33123456799", "+33612345678")
    message = outbox.last("alinedurand-convergence@logipro.fr")
    assert message.template == "collaborator_updated"
    assert "Pierre DURAND (mandataire de votre entreprise) a modifié vos informations" in message.text_body
    assert "N° de téléphone direct : +33 1 23 45 67 89 → +33 1 23 45 67 99" in message.text_body
    assert "N° de téléphone : (vide) → +33 6 12 34 56 78" in message.text_body
    assert "Prénom" not in message.text_body
    (event,) = events(db, "collaborator.updated")
    assert (event.actor_id, event.target_id, event.details) == (team["mandataire"].id, salarie.id,
                                                                 {"fields": ["direct_phone", "phone"]})


def test_an_edit_that_changes_nothing_sends_nothing(db, team, outbox):
    salarie = team["salarie"]
    assert collaborators.update(team["representant"], salarie, details(
        salarie, email="AlineDurand-Convergence@logipro.fr", direct_phone="01 23 45 67 89")) == []
    db.session.commit()
    assert outbox.messages() == [] and events(db, "collaborator.updated") == []


def test_an_email_change_is_notified_to_the_former_address(db, team, outbox):
    salarie = team["salarie"]
    collaborators.update(team["representant"], salarie, details(salarie, email="aline@logipro.fr"))
    db.session.commit()
    assert salarie.email == "aline@logipro.fr"
    assert outbox.last("aline@logipro.fr").template == "collaborator_updated"
    notice = outbox.last("alinedurand-convergence@logipro.fr")
    assert notice.template == "email_changed" and "aline@logipro.fr" in notice.text_body


def test_an_email_in_use_is_refused(db, team):
    salarie = team["salarie"]
    with pytest.raises(CollaboratorError) as refused:
        collaborators.update(team["mandataire"], salarie, details(salarie, email="pauld@logipro.fr"))
    assert refused.value.field == "email"
    db.session.add(Registration(status=RegistrationStatus.DRAFT, username="x", email="dossier@logipro.fr"))
    db.session.commit()
    with pytest.raises(CollaboratorError) as refused:
        collaborators.update(team["mandataire"], salarie, details(salarie, email="dossier@logipro.fr"))
    assert refused.value.field == "email"
    db.session.rollback()
    assert salarie.email == "alinedurand-convergence@logipro.fr"


def test_a_refused_value_leaves_the_account_as_it_was(db, team):
    salarie = team["salarie"]
    with pytest.raises(CollaboratorError) as refused:
        collaborators.update(team["mandataire"], salarie, details(salarie, first_name="", last_name="Martin"))
    assert refused.value.field == "first_name"
    db.session.rollback()
    assert (salarie.first_name, salarie.last_name) == ("Aline", "Durand")


@pytest.mark.parametrize("actor, target, allowed", [
    ("mandataire", "representant", True), ("mandataire", "salarie", True),
    ("representant", "salarie", True), ("representant", "mandataire", False),
    ("salarie", "representant", False), ("salarie", "mandataire", False),
    ("mandataire", "mandataire", False), ("representant", "representant", False), ("salarie", "salarie", False),
])
def test_who_may_edit_whom(db, team, actor, target, allowed):
    assert collaborators.may_edit(team[actor], team[target]) is allowed
    values = details(team[target], first_name="Nouveau")
    if allowed:
        assert collaborators.update(team[actor], team[target], values) == ["Prénom"]
    else:
        with pytest.raises(PermissionDenied):
            collaborators.update(team[actor], team[target], values)


def test_a_representant_edits_another_representant(db, team, make_user, company):
    other = make_user("representant", company=company, direct_phone="+33123456781")
    assert collaborators.update(team["representant"], other, details(other, last_name="Autre")) == ["Nom"]


def test_nobody_edits_another_company_s_collaborator(db, team, make_user, make_company):
    stranger = make_user("salarie", company=make_company())
    assert collaborators.may_edit(team["mandataire"], stranger) is False
    with pytest.raises(PermissionDenied):
        collaborators.update(team["mandataire"], stranger, details(stranger, first_name="Volé"))


# --- Deleting ---------------------------------------------------------------------------------------------


@pytest.fixture
def service_tokens(db, team):
    """A service the salarié signed in to: a token family with one access and refresh token."""
    service, _ = services.create_service(name="Plateforme Convergence",
                                         redirect_uris=["https://convergence.example.fr/callback"])
    db.session.flush()
    now = utcnow()
    family = TokenFamily(service_id=service.id, user_id=team["salarie"].id, scope="openid profile",
                         auth_time=now, acr="eidas1", amr=["pwd"], expires_at=now + timedelta(days=30))
    db.session.add(family)
    db.session.flush()
    db.session.add(Token(family_id=family.id, access_token_hash=grants.hash_token("access-1"),
                         refresh_token_hash=grants.hash_token("refresh-1"), scope="openid profile",
                         access_expires_at=now + timedelta(minutes=10), refresh_expires_at=family.expires_at))
    db.session.commit()
    assert grants.find_access_token("access-1") is not None
    return family


def test_a_deleted_collaborator_is_signed_out_at_their_next_request(app, db, team):
    browser = app.test_client()
    assert sign_in_with(browser, "aline.durand").status_code == 303
    assert signed_in(browser)
    collaborators.delete(team["representant"], team["salarie"])
    db.session.commit()
    assert not signed_in(browser)
    assert db.session.scalar(sa.select(sa.func.count(AuthSession.id)).where(
        AuthSession.user_id == team["salarie"].id, AuthSession.ended_at.is_(None))) == 0


def test_a_deleted_collaborator_s_service_tokens_are_revoked(db, team, service_tokens):
    collaborators.delete(team["mandataire"], team["salarie"])
    db.session.commit()
    db.session.expire_all()
    assert service_tokens.revoked_at is not None and service_tokens.revoke_reason == "account_deleted"
    assert grants.find_access_token("access-1") is None
    (event,) = events(db, "oidc.grants_revoked")
    assert (event.target_id, event.details) == (team["salarie"].id, {"reason": "account_deleted"})


def test_a_deleted_collaborator_s_pending_demandes_are_cancelled(db, team):
    demande = membership.request_modification(team["salarie"], {"first_name": "Alina"}, "")
    db.session.commit()
    collaborators.delete(team["mandataire"], team["salarie"])
    db.session.commit()
    db.session.expire_all()
    assert demande.status == DemandeStatus.CANCELLED and demande.decision_comment == "account_deleted"
    assert membership.counts_to_process(team["mandataire"]) == dict.fromkeys(membership.DemandeKind, 0)


def test_a_deleted_collaborator_s_data_is_erased_and_the_event_kept(db, team, outbox):
    salarie = team["salarie"]
    collaborators.delete(team["representant"], salarie)
    db.session.commit()
    db.session.expire_all()
    assert salarie.status == UserStatus.DELETED and salarie.password_hash is None
    assert "aline" not in salarie.username + salarie.email + salarie.first_name
    assert (salarie.last_name, salarie.direct_phone, salarie.phone) == ("Compte supprimé", "", "")
    assert (salarie.role, salarie.company_id) == (Role.SALARIE, team["representant"].company_id)
    (event,) = events(db, "collaborator.deleted")
    assert (event.actor_id, event.target_type, event.target_id, event.details, event.ip) == (
        team["representant"].id, "user_account", salarie.id, {"role": "salarie"}, IP)
    message = outbox.last("alinedurand-convergence@logipro.fr")
    assert message.template == "account_deleted" and "aline.durand" in message.text_body
    assert salarie not in collaborators.search(team["mandataire"]).items
    assert collaborators.find(team["mandataire"], salarie.public_id) is None


def test_a_deleted_collaborator_cannot_sign_in(app, db, team):
    collaborators.delete(team["mandataire"], team["salarie"])
    db.session.commit()
    with pytest.raises(accounts.AccountError):
        accounts.sign_in("aline.durand", DEFAULT_PASSWORD)
    refused = sign_in_with(app.test_client(), "alinedurand-convergence@logipro.fr")
    assert refused.status_code == 401 and "Identifiant ou mot de passe incorrect." in refused.get_data(as_text=True)


def test_a_deleted_collaborator_s_username_and_email_may_be_given_again(db, team):
    collaborators.delete(team["mandataire"], team["salarie"])
    db.session.commit()
    again = collaborators.add(team["mandataire"], "salarie", NEWCOMER | {
        "username": "aline.durand", "email": "alinedurand-convergence@logipro.fr"})
    db.session.commit()
    assert again.status == UserStatus.ACTIVE and again.id != team["salarie"].id


@pytest.mark.parametrize("actor, target, allowed", [
    ("mandataire", "representant", True), ("mandataire", "salarie", True),
    ("representant", "salarie", True), ("representant", "mandataire", False),
    ("salarie", "representant", False), ("salarie", "mandataire", False),
    ("mandataire", "mandataire", False), ("representant", "representant", False), ("salarie", "salarie", False),
])
def test_who_may_delete_whom(db, team, outbox, actor, target, allowed):
    assert collaborators.may_delete(team[actor], team[target]) is allowed
    if allowed:
        collaborators.delete(team[actor], team[target])
        db.session.commit()
        assert team[target].status == UserStatus.DELETED
    else:
        with pytest.raises(PermissionDenied):
            collaborators.delete(team[actor], team[target])
        db.session.rollback()
        assert team[target].status == UserStatus.ACTIVE and outbox.messages() == []


def test_nobody_deletes_another_company_s_collaborator_or_a_deleted_account(db, team, make_user, make_company):
    stranger = make_user("salarie", company=make_company())
    with pytest.raises(PermissionDenied):
        collaborators.delete(team["mandataire"], stranger)
    collaborators.delete(team["mandataire"], team["salarie"])
    db.session.commit()
    with pytest.raises(PermissionDenied):
        collaborators.delete(team["mandataire"], team["salarie"])
    assert len(events(db, "collaborator.deleted")) == 1


def test_a_disabled_collaborator_can_be_deleted(db, team):
    team["salarie"].status = UserStatus.DISABLED
    db.session.commit()
    collaborators.delete(team["mandataire"], team["salarie"])
    db.session.commit()
    assert team["salarie"].status == UserStatus.DELETED


def test_deleting_leaves_no_pending_demande_behind(db, team, company):
    applicant = membership.request_registration(company, Role.SALARIE, {
        "username": "jbenoit", "civility": "monsieur", "first_name": "Jean", "last_name": "Benoit",
        "email": "jean.benoit@logipro.fr", "direct_phone": "01 23 45 67 89"}, "1.0")
    db.session.commit()
    collaborators.delete(team["mandataire"], team["representant"])
    db.session.commit()
    assert applicant.status == DemandeStatus.PENDING  # someone else's demande is untouched
    pending = db.session.scalar(sa.select(sa.func.count(Demande.id)).where(
        Demande.user_id == team["representant"].id, Demande.status == DemandeStatus.PENDING))
    assert pending == 0


def test_an_e_mail_taken_between_the_check_and_the_write_fails_cleanly(db, team, make_user, monkeypatch):
    target = team["salarie"]
    make_user("salarie", email="prise@example.fr")
    monkeypatch.setattr("isc.personal_details.check_available", lambda *a, **k: None)

    with pytest.raises(CollaboratorError, match="vient d'être prise"):
        collaborators.update(team["mandataire"], target, details(target, email="prise@example.fr"))


@pytest.mark.parametrize("text", ["emilie", "ÉMILIE", "Émilie", "chateau", "château", "emilie chateau", "Œuvre"])
def test_search_ignores_accents_and_case(db, team, make_user, company, text):
    make_user("salarie", company=company, username="e.chateau", email="e.chateau@oeuvre.fr",
              first_name="Émilie", last_name="Château-Œuvre")

    assert emails_of(collaborators.search(team["salarie"], text)) == ["e.chateau@oeuvre.fr"]


def test_the_search_follows_a_change_of_name(db, team, make_user, company):
    person = make_user("salarie", company=company, username="lm", email="lm@logipro.fr",
                       first_name="Linda", last_name="Moreau")
    person.last_name = "Hélène-Dupré"
    db.session.commit()

    assert emails_of(collaborators.search(team["salarie"], "helene dupre")) == ["lm@logipro.fr"]
    assert emails_of(collaborators.search(team["salarie"], "moreau linda")) == []


def test_names_with_accented_capitals_are_listed_in_alphabetical_order(db, team, make_user, company):
    for last_name in ("Vézina", "Éluard", "Zola", "Eiffel", "Ézanno"):
        make_user("salarie", company=company, first_name="Jean", last_name=last_name,
                  username=f"j.{last_name.lower()}", email=f"j.{last_name.lower()}@logipro.fr")

    names = [user.last_name for user in collaborators.search(team["salarie"], "jean").items]

    assert names == ["Eiffel", "Éluard", "Ézanno", "Vézina", "Zola"]


def test_an_edited_e_mail_is_unproven_but_other_edits_keep_the_proof(db, team):
    target = team["salarie"]
    collaborators.update(team["mandataire"], target, details(target, first_name="Alina"))
    assert target.email_verified_at is not None

    collaborators.update(team["mandataire"], target, details(target, email="alina@logipro.fr"))

    assert target.email_verified_at is None
