"""« Supprimer »: a confirmation page that says what deletion does; then the account ends at
once (the person's browser is signed out at its next request, and they cannot sign in again),
their data is erased, their pending demandes are cancelled, and the audit trail keeps the event."""

import pytest
import sqlalchemy as sa

from isc.models import AuditEvent, Demande, DemandeStatus, User, UserStatus
from tests.conftest import DEFAULT_PASSWORD, csrf_token_of
from tests.portal.pages import location_path, text


@pytest.fixture
def company(make_company):
    return make_company(name="Laboratoires Hélianthe")


@pytest.fixture
def mandataire(make_user, company):
    return make_user("mandataire", company=company, first_name="Pierre", last_name="Durand")


@pytest.fixture
def linda(make_user, company):
    return make_user("salarie", company=company, username="linda.moroux", first_name="Linda", last_name="Moroux",
                     email="linda.moroux@helianthe.fr", direct_phone="+33612345678")


def url_of(user) -> str:
    return f"/collaborateurs/{user.public_id}/supprimer"


def test_confirmation_page_says_what_deletion_does(mandataire, linda, signed_in_client):
    response = signed_in_client(mandataire).get(url_of(linda))

    assert response.status_code == 200
    page = text(response)
    assert "Supprimer le compte de Linda Moroux" in page
    assert "La suppression est définitive" in page
    assert "Toutes les sessions de Linda Moroux sont fermées immédiatement" in page
    assert "Ce compte ne permettra plus de se connecter" in page
    assert "Les informations personnelles sont effacées et les demandes en cours sont annulées." in page
    assert "Supprimer définitivement le compte" in page
    assert f'href="/collaborateurs/{linda.public_id}">Annuler' in response.get_data(as_text=True)


def test_the_confirmation_page_alone_deletes_nothing(db, mandataire, linda, signed_in_client):
    signed_in_client(mandataire).get(url_of(linda))

    db.session.expire_all()
    assert db.session.get(User, linda.id).status == UserStatus.ACTIVE


def test_deletion_ends_the_account_for_good(
    db, mandataire, linda, signed_in_client, submit_as, make_client, is_signed_in, outbox
):
    lindas_browser = signed_in_client(linda)
    browser = signed_in_client(mandataire)

    response = submit_as(browser, url_of(linda), {})

    assert response.status_code == 303
    assert location_path(response) == "/collaborateurs"
    listing = browser.get("/collaborateurs")
    assert "Le compte de Linda Moroux a été supprimé." in text(listing)
    assert "linda.moroux@helianthe.fr" not in text(listing).replace("Le compte de Linda Moroux a été supprimé.", "")
    assert not is_signed_in(lindas_browser)
    for login in ("linda.moroux", "linda.moroux@helianthe.fr"):
        again = submit_as(make_client(), "/connexion", {"login": login, "password": DEFAULT_PASSWORD})
        assert again.status_code == 401
    db.session.expire_all()
    erased = db.session.get(User, linda.id)
    assert erased.status == UserStatus.DELETED
    assert "linda" not in (erased.username + erased.email + erased.first_name + erased.last_name).lower()
    assert erased.password_hash is None and erased.direct_phone == "" and erased.phone == ""
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "collaborator.deleted"))
    assert (event.actor_id, event.target_id) == (mandataire.id, linda.id)
    assert outbox.last("linda.moroux@helianthe.fr").template == "account_deleted"
    assert browser.get(f"/collaborateurs/{linda.public_id}").status_code == 404
    csrf = csrf_token_of(listing.get_data(as_text=True))
    assert browser.post(url_of(linda), data={"csrf_token": csrf}).status_code == 404  # gone: never twice


def test_deletion_cancels_the_pending_demandes(app, db, mandataire, linda, signed_in_client, submit_as):
    lindas_browser = signed_in_client(linda)
    submit_as(lindas_browser, "/compte/modifier", {
        "civility": "madame", "first_name": "Linda", "last_name": "Martin", "email": "linda.moroux@helianthe.fr",
        "direct_phone": "06 12 34 56 78", "phone": "", "comment": "Mariage"})
    browser = signed_in_client(mandataire)

    submit_as(browser, url_of(linda), {})

    db.session.expire_all()
    [demande] = db.session.scalars(sa.select(Demande)).all()
    assert demande.status == DemandeStatus.CANCELLED


def test_a_representant_deletes_a_salarie(db, make_user, company, linda, signed_in_client, submit_as):
    browser = signed_in_client(make_user("representant", company=company))

    response = submit_as(browser, url_of(linda), {})

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, linda.id).status == UserStatus.DELETED


def test_a_disabled_collaborator_can_be_deleted(db, make_user, company, mandataire, signed_in_client, submit_as):
    disabled = make_user("representant", company=company, status=UserStatus.DISABLED)
    browser = signed_in_client(mandataire)

    response = submit_as(browser, url_of(disabled), {})

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, disabled.id).status == UserStatus.DELETED
