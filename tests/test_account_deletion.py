"""Ending an account for good (isc/accounts.py: delete_account, erase_personal_data): the person's
details are replaced by neutral values, nothing of the account can be used again (password,
e-mailed links, sessions, services' tokens), its username and e-mail are free for someone else,
and the row stays so that the audit trail keeps its target."""

import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa

from isc import accounts, grants, membership, services
from isc.auth_sessions import hash_token
from isc.models import (
    AuditEvent,
    AuthSession,
    DemandeStatus,
    LinkPurpose,
    Role,
    Token,
    TokenFamily,
    UserStatus,
)
from isc.models.types import utcnow
from tests.conftest import DEFAULT_PASSWORD

IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def in_a_request(app):
    with app.test_request_context("/collaborateurs", environ_base={"REMOTE_ADDR": IP}):
        yield


@pytest.fixture
def person(make_user):
    return make_user("salarie", username="aline.durand", email="aline.durand@logipro.fr", first_name="Aline",
                     last_name="Durand", direct_phone="+33123456789", phone="+33612345678",
                     last_login_at=utcnow())


def open_sessions(db, user) -> list[AuthSession]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuthSession).where(AuthSession.user_id == user.id,
                                                                AuthSession.ended_at.is_(None))))


def add_session(db, user) -> AuthSession:
    auth = AuthSession(token_hash=hash_token(secrets.token_urlsafe(16)), user_id=user.id, ip=IP)
    db.session.add(auth)
    db.session.commit()
    return auth


def add_token_family(db, user, service) -> TokenFamily:
    now = utcnow()
    family = TokenFamily(service_id=service.id, user_id=user.id, scope="openid", auth_time=now, acr="eidas1",
                         amr=["pwd"], expires_at=now + timedelta(days=30))
    db.session.add(family)
    db.session.flush()
    db.session.add(Token(family_id=family.id, access_token_hash=grants.hash_token(f"access-{family.id}"),
                         scope="openid", access_expires_at=now + timedelta(minutes=10)))
    db.session.commit()
    return family


@pytest.fixture
def service(db):
    made, _ = services.create_service(name="Portail Industriels", redirect_uris=["https://portail.example.fr/cb"])
    db.session.commit()
    return made


# --- Erasing ------------------------------------------------------------------------------------------


def test_erasing_replaces_every_personal_detail_with_neutral_values(db, person):
    public_id, company_id, created_at = person.public_id, person.company_id, person.created_at
    accounts.erase_personal_data(person)
    db.session.commit()
    db.session.expire_all()
    assert person.status == UserStatus.DELETED
    assert (person.first_name, person.last_name, person.phone, person.direct_phone) == ("", "Compte supprimé", "", "")
    assert person.password_hash is None
    assert person.username == f"supprime-{public_id}"
    assert person.email == f"supprime-{public_id}@invalid.invalid"
    # The row stays, for the audit trail and the company's history.
    assert (person.public_id, person.company_id, person.role, person.created_at) == (
        public_id, company_id, Role.SALARIE, created_at)


def test_two_erased_accounts_do_not_collide(db, make_user, person):
    other = make_user("salarie")
    accounts.erase_personal_data(person)
    accounts.erase_personal_data(other)
    db.session.commit()
    assert person.username != other.username and person.email != other.email


def test_an_erased_account_s_password_links_stop_working(db, person, outbox):
    token = accounts.issue_password_link(person, LinkPurpose.RESET)
    db.session.commit()
    assert accounts.usable_link(token) is not None
    accounts.erase_personal_data(person)
    db.session.commit()
    assert accounts.usable_link(token) is None
    with pytest.raises(accounts.AccountError, match="Ce lien n'est plus valable"):
        accounts.set_password_with_link(token, "une phrase secrète toute neuve", "une phrase secrète toute neuve")


def test_an_erased_account_can_never_sign_in_nor_get_a_reset_link(db, person, outbox):
    placeholder = f"supprime-{person.public_id}"
    accounts.erase_personal_data(person)
    db.session.commit()
    for login in ("aline.durand", "aline.durand@logipro.fr", placeholder):
        with pytest.raises(accounts.AccountError):
            accounts.sign_in(login, DEFAULT_PASSWORD)
        accounts.request_password_reset(login)
    db.session.commit()
    assert outbox.messages() == []


def test_an_erased_account_s_username_and_email_are_free_again(db, make_user, person):
    accounts.erase_personal_data(person)
    db.session.commit()
    successor = make_user("salarie", company=person.company, username="aline.durand", email="aline.durand@logipro.fr")
    assert successor.id != person.id


def test_an_erased_person_s_demandes_keep_none_of_their_details(db, person):
    demande = membership.request_modification(person, {"email": "aline@perso.fr", "phone": ""},
                                              "Je quitte l'entreprise")
    db.session.commit()
    membership.cancel_demandes_of(person, "account_deleted")
    accounts.erase_personal_data(person)
    db.session.commit()
    db.session.expire_all()
    assert demande.status == DemandeStatus.CANCELLED
    assert (demande.requested, demande.previous, demande.comment) == ({}, {}, "")


def test_erasing_a_pending_applicant_works_without_password_or_sessions(db, make_user):
    applicant = make_user("representant", password=None, status=UserStatus.PENDING)
    accounts.erase_personal_data(applicant)
    db.session.commit()
    assert applicant.status == UserStatus.DELETED


# --- Deleting -----------------------------------------------------------------------------------------


def test_deleting_ends_every_open_session_with_the_reason(db, make_user, person):
    sessions = [add_session(db, person), add_session(db, person)]
    someone_else = add_session(db, make_user("salarie"))
    accounts.delete_account(person, "account_deleted")
    db.session.commit()
    db.session.expire_all()
    assert open_sessions(db, person) == []
    assert {(auth.end_reason, auth.ended_at is not None) for auth in sessions} == {("account_deleted", True)}
    assert someone_else.ended_at is None


def test_deleting_revokes_the_services_tokens_and_audits_it(db, make_user, person, service):
    families = [add_token_family(db, person, service), add_token_family(db, person, service)]
    someone_else = add_token_family(db, make_user("salarie"), service)
    accounts.delete_account(person, "account_deleted")
    db.session.commit()
    db.session.expire_all()
    assert {(family.revoke_reason, family.revoked_at is not None) for family in families} == {
        ("account_deleted", True)}
    assert someone_else.revoked_at is None
    assert grants.find_access_token(f"access-{someone_else.id}") is not None
    events = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "oidc.grants_revoked")))
    assert [(event.target_id, event.details, event.ip) for event in events] == [
        (person.id, {"reason": "account_deleted"}, IP)]


def test_deleting_erases_the_person(db, person):
    accounts.delete_account(person, "account_deleted")
    db.session.commit()
    assert person.status == UserStatus.DELETED and person.last_name == "Compte supprimé"


def test_deleting_twice_changes_nothing_more(db, person):
    accounts.delete_account(person, "account_deleted")
    db.session.commit()
    username, email = person.username, person.email
    accounts.delete_account(person, "account_deleted")
    db.session.commit()
    assert (person.username, person.email, person.status) == (username, email, UserStatus.DELETED)
