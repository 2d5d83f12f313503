"""« Votre compte »: one's details with « Edit », the company (with the change request for a
mandataire), « Vos droits » with words as well as marks, the password and the sessions."""

import html
import re

import pytest

from isc import company_changes, membership
from isc.extensions import db
from isc.models import IdentifierType
from tests.portal.pages import location_path, text

PAGE = "/compte"


@pytest.fixture
def company(make_company):
    return make_company(
        name="Laboratoires Hélianthe",
        identifier_type=IdentifierType.SIREN,
        identifier_value="732829320",
        head_office_address="20 avenue Charles de Gaulle, 75008 Paris",
    )


def _person(make_user, company, role):
    return make_user(
        role, company=company, username=f"aline.{role}", first_name="Aline", last_name="Durand",
        email=f"aline.{role}@helianthe.fr", phone="+33123456789", direct_phone="+33612345678",
    )


def facts(response) -> dict[str, str]:
    """The label/value pairs (<dt>/<dd>) of a page, as the page reads them."""
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", response.get_data(as_text=True), flags=re.S)
    return {html.unescape(label).strip(): html.unescape(value).strip() for label, value in pairs}


def test_page_needs_a_signed_in_user(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert location_path(response).startswith("/connexion?next=")


@pytest.mark.parametrize("role", ["mandataire", "representant", "salarie"])
def test_page_shows_personal_and_company_details(make_user, signed_in_client, company, role):
    browser = signed_in_client(_person(make_user, company, role))

    response = browser.get(PAGE)

    assert response.status_code == 200
    assert "Informations personnelles" in text(response)
    assert "Informations de l'entreprise" in text(response)
    assert facts(response) == {
        "Nom d'utilisateur": f"aline.{role}",
        "Rôle": {"mandataire": "Mandataire", "representant": "Représentant", "salarie": "Salarié"}[role],
        "Civilité": "Madame",
        "Prénom": "Aline",
        "Nom": "Durand",
        "Adresse e-mail": f"aline.{role}@helianthe.fr",
        "N° de téléphone direct": "+33 6 12 34 56 78",
        "N° de téléphone": "+33 1 23 45 67 89",
        "Raison sociale": "Laboratoires Hélianthe",
        "Identifiant - SIREN": "732829320",
        "Adresse du siège": "20 avenue Charles de Gaulle, 75008 Paris",
    }


@pytest.mark.parametrize("role", ["mandataire", "representant", "salarie"])
def test_edit_button_has_an_icon_and_an_accessible_label(make_user, signed_in_client, company, role):
    browser = signed_in_client(_person(make_user, company, role))

    html = browser.get(PAGE).get_data(as_text=True)

    link = re.search(r'<a class="([^"]*)"\s+href="/compte/modifier"[^>]*>([^<]*)</a>', html)
    assert link, "no Edit link"
    assert "fr-icon-" in link.group(1)
    assert link.group(2) == "Modifier vos informations"


def test_password_and_sessions_are_linked(make_user, signed_in_client, company):
    browser = signed_in_client(_person(make_user, company, "salarie"))

    html = browser.get(PAGE).get_data(as_text=True)

    assert re.search(r'href="/compte/mot-de-passe"[^>]*>Modifier le mot de passe<', html)
    assert re.search(r'href="/compte/sessions"[^>]*>Vos sessions et services autorisés<', html)


def test_only_a_mandataire_is_offered_the_company_change(make_user, signed_in_client, company):
    pages = {role: text(signed_in_client(_person(make_user, company, role)).get(PAGE))
             for role in ("mandataire", "representant", "salarie")}

    offer = "Demander la modification des informations de l'entreprise"
    assert offer in pages["mandataire"]
    assert offer not in pages["representant"]
    assert offer not in pages["salarie"]


def _rights(page: str) -> list[tuple[str, str]]:
    section = page.split("Vos droits Description des droits Statut", 1)[1]
    return re.findall(r"(\S[^✓✗]*?) [✓✗] (Accordé|Non accordé)", section)


def test_rights_of_a_salarie_say_granted_or_not_in_words(make_user, signed_in_client, company):
    browser = signed_in_client(_person(make_user, company, "salarie"))

    rights = dict(_rights(text(browser.get(PAGE))))

    assert rights["Consultation de la liste des comptes de l'ensemble des collaborateurs de l'entreprise"] == "Accordé"
    assert rights["Demande de modification de ses informations personnelles"] == "Accordé"
    assert rights["Ajout d'un collaborateur (compte créé directement)"] == "Non accordé"
    assert rights["Suppression des comptes des représentants et salariés"] == "Non accordé"
    assert rights["Validation des demandes d'inscription et de modification des collaborateurs"] == "Non accordé"
    assert len(rights) == 7


def test_rights_of_a_mandataire_are_all_granted(make_user, signed_in_client, company):
    browser = signed_in_client(_person(make_user, company, "mandataire"))

    rights = _rights(text(browser.get(PAGE)))

    assert len(rights) == 7
    assert {status for _, status in rights} == {"Accordé"}


def test_rights_of_a_representant_exclude_the_company_change(make_user, signed_in_client, company):
    browser = signed_in_client(_person(make_user, company, "representant"))

    rights = dict(_rights(text(browser.get(PAGE))))

    assert rights["Demande de modification des informations de l'entreprise auprès de l'ANS"] == "Non accordé"
    assert rights["Ajout d'un collaborateur (compte créé directement)"] == "Accordé"


def test_pending_modification_is_shown_instead_of_the_edit_button(app, make_user, signed_in_client, company):
    user = _person(make_user, company, "salarie")
    make_user("mandataire", company=company)
    with app.test_request_context():  # the deciders' e-mail links to the demande's page
        membership.request_modification(user, {"direct_phone": "06 12 34 56 99"}, "Nouveau numéro")
        db.session.commit()
    browser = signed_in_client(user)

    response = browser.get(PAGE)

    page = text(response)
    assert "Demande de modification en cours" in page
    assert "N° de téléphone direct +33 6 12 34 56 78 +33 6 12 34 56 99" in page
    assert "Nouveau numéro" in page
    assert "Envoyée le " in page
    assert 'href="/compte/modifier"' not in response.get_data(as_text=True)


def test_pending_company_change_is_shown_instead_of_the_offer(make_user, signed_in_client, company):
    user = _person(make_user, company, "mandataire")
    company_changes.request_company_change(user, {"name": "Hélianthe SAS"}, "Changement de forme")
    db.session.commit()
    browser = signed_in_client(user)

    response = browser.get(PAGE)

    page = text(response)
    assert "Demande de modification des informations de l'entreprise en cours" in page
    assert "Raison sociale Laboratoires Hélianthe Hélianthe SAS" in page
    assert 'href="/compte/entreprise/modifier"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/compte/modifier", "/compte/entreprise/modifier"])
def test_request_pages_need_a_signed_in_user(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert location_path(response).startswith("/connexion?next=")
