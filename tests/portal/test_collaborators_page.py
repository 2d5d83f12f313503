"""A collaborator's page (« Compte de Prénom Nom »): their details, « Ses droits », « Ses
services utilisés »; only for the people of their company (404 for anyone else, or any id that
designates nobody)."""

import html
import re
from datetime import UTC, datetime

import pytest

from isc import services
from isc.models import Civility, ServiceUse, UserStatus
from tests.portal.pages import location_path, text


@pytest.fixture
def company(make_company):
    return make_company(name="Laboratoires Hélianthe")


@pytest.fixture
def aline(make_user, company):
    return make_user("salarie", company=company, username="alinedurandconvergence", first_name="Aline",
                     last_name="Durand", civility=Civility.MADAME, email="alinedurand-convergence@yopmail.com",
                     phone="+33123456789", direct_phone="+33612345678")


def facts(response) -> dict[str, str]:
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", response.get_data(as_text=True), flags=re.S)
    return {html.unescape(label).strip(): html.unescape(value).strip() for label, value in pairs}


def url_of(user) -> str:
    return f"/collaborateurs/{user.public_id}"


def test_page_needs_a_signed_in_user(client, aline):
    response = client.get(url_of(aline))

    assert response.status_code == 302
    assert location_path(response).startswith("/connexion?next=")


@pytest.mark.parametrize("viewer_role", ["mandataire", "representant", "salarie"])
def test_page_shows_the_collaborator_details(make_user, company, aline, signed_in_client, viewer_role):
    browser = signed_in_client(make_user(viewer_role, company=company))

    response = browser.get(url_of(aline))

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Compte de Aline Durand</h1>" in response.get_data(as_text=True)
    assert "Tableau de bord Liste des collaborateurs Compte de Aline Durand" in page
    assert "Informations personnelles" in page
    assert facts(response) == {
        "Rôle": "Salarié", "Civilité": "Madame", "Prénom": "Aline", "Nom": "Durand",
        "Nom d'utilisateur": "alinedurandconvergence", "N° de téléphone direct": "+33 6 12 34 56 78",
        "N° de téléphone": "+33 1 23 45 67 89", "Adresse e-mail": "alinedurand-convergence@yopmail.com",
    }


def test_rights_are_those_of_the_collaborator(make_user, company, aline, signed_in_client):
    browser = signed_in_client(make_user("mandataire", company=company))

    page = text(browser.get(url_of(aline)))

    rights = page.split("Ses droits Description des droits Statut", 1)[1].split("Ses services utilisés")[0]
    assert ("Consultation de la liste des comptes de l'ensemble des collaborateurs de l'entreprise ✓ Accordé"
            in rights)
    assert "Ajout d'un collaborateur (compte créé directement) ✗ Non accordé" in rights
    assert rights.count("✗ Non accordé") == 5


def test_services_used_are_listed_by_name(db, make_user, company, aline, signed_in_client):
    portal, _ = services.create_service(name="Portail Industriels", redirect_uris=["https://portail.example/cb"])
    convergence, _ = services.create_service(name="Plateforme Convergence",
                                             redirect_uris=["https://convergence.example/cb"])
    services.create_service(name="Observatoire", redirect_uris=["https://observatoire.example/cb"])
    for service, day in ((portal, 2), (convergence, 3)):
        db.session.add(ServiceUse(user_id=aline.id, service_id=service.id, sid=f"sid-{day}",
                                  last_used_at=datetime(2023, 3, day, 12, tzinfo=UTC)))
    db.session.commit()
    browser = signed_in_client(make_user("salarie", company=company))

    page = text(browser.get(url_of(aline)))

    used = page.split("Ses services utilisés", 1)[1]
    assert "Plateforme Convergence" in used and "Portail Industriels" in used
    assert used.index("Plateforme Convergence") < used.index("Portail Industriels")  # last used first
    assert "Observatoire" not in used


def test_no_service_used_is_said(make_user, company, aline, signed_in_client):
    browser = signed_in_client(make_user("salarie", company=company))

    assert "Ses services utilisés Aucun service utilisé pour le moment." in text(browser.get(url_of(aline)))


def test_a_disabled_account_says_so(make_user, company, signed_in_client):
    disabled = make_user("salarie", company=company, status=UserStatus.DISABLED)
    browser = signed_in_client(make_user("mandataire", company=company))

    response = browser.get(url_of(disabled))

    assert response.status_code == 200
    assert "Ce compte est désactivé" in text(response)
    assert facts(response)["Statut du compte"] == "Désactivé"


@pytest.mark.parametrize(("viewer_role", "buttons"), [
    ("mandataire", {"Éditer", "Supprimer"}), ("representant", {"Éditer", "Supprimer"}), ("salarie", set()),
])
def test_edit_and_delete_buttons_follow_the_rights(make_user, company, aline, signed_in_client, viewer_role, buttons):
    browser = signed_in_client(make_user(viewer_role, company=company))

    body = browser.get(url_of(aline)).get_data(as_text=True)

    shown = set(re.findall(rf'href="/collaborateurs/{aline.public_id}/(?:modifier|supprimer)">(Éditer|Supprimer)<',
                           body))
    assert shown == buttons


def test_own_page_offers_neither_edit_nor_delete(make_user, company, signed_in_client):
    mandataire = make_user("mandataire", company=company)
    browser = signed_in_client(mandataire)

    body = browser.get(url_of(mandataire)).get_data(as_text=True)

    assert "/modifier" not in body.split("<main", 1)[1].split("Informations personnelles")[0]
    assert f"/collaborateurs/{mandataire.public_id}/supprimer" not in body


def test_another_company_collaborator_is_not_found(make_user, make_company, aline, signed_in_client):
    outsider = make_user("mandataire", company=make_company())
    browser = signed_in_client(outsider)

    response = browser.get(url_of(aline))

    assert response.status_code == 404
    assert "Aline" not in text(response)
    assert "Page non trouvée" in text(response)


@pytest.mark.parametrize("status", [UserStatus.PENDING, UserStatus.DELETED])
def test_pending_or_deleted_accounts_are_not_found(make_user, company, signed_in_client, status):
    other = make_user("salarie", company=company, status=status)
    browser = signed_in_client(make_user("mandataire", company=company))

    assert browser.get(url_of(other)).status_code == 404


@pytest.mark.parametrize("public_id", [
    "0" * 32, "abc", "x" * 10_000, "%00", "%00" * 32, "%C3%A9" * 32, "..%2F..%2Fcompte", "' OR 1=1 --", "<script>",
    "-1", "G" * 32,
])
def test_ids_that_designate_nobody_are_not_found(make_user, company, signed_in_client, public_id):
    browser = signed_in_client(make_user("mandataire", company=company))

    response = browser.get(f"/collaborateurs/{public_id}")

    assert response.status_code == 404
