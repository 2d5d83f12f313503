"""« Demander la modification des informations de l'entreprise »: a mandataire's request to ANS
(raison sociale, adresse du siège, comment); nobody else may send one; one at a time."""

import html
import re

import pytest
import sqlalchemy as sa

from isc.models import ChangeStatus, CompanyChangeRequest
from tests.portal.pages import error_of_field, location_path, text

PAGE = "/compte/entreprise/modifier"


@pytest.fixture
def company(make_company):
    return make_company(name="Laboratoires Hélianthe", head_office_address="20 avenue Charles de Gaulle, 75008 Paris")


@pytest.fixture
def mandataire(make_user, company):
    return make_user("mandataire", company=company)


def requests_made(db) -> list[CompanyChangeRequest]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(CompanyChangeRequest).order_by(CompanyChangeRequest.id)))


def input_value(response, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', response.get_data(as_text=True)).group(0)
    value = re.search(r'\bvalue="([^"]*)"', tag)
    return html.unescape(value.group(1)) if value else ""


def test_form_is_prefilled_with_the_company_details(mandataire, signed_in_client):
    response = signed_in_client(mandataire).get(PAGE)

    assert response.status_code == 200
    assert input_value(response, "name") == "Laboratoires Hélianthe"
    assert input_value(response, "head_office_address") == "20 avenue Charles de Gaulle, 75008 Paris"
    assert "analysée et traitée par les équipes de l'ANS" in text(response)
    assert 'name="comment"' in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["representant", "salarie"])
def test_only_a_mandataire_may_ask(db, make_user, company, signed_in_client, submit_as, role):
    browser = signed_in_client(make_user(role, company=company))

    page = browser.get(PAGE)
    sent = submit_as(browser, PAGE, {"name": "Autre nom", "head_office_address": "Ailleurs", "comment": ""},
                     form_url="/compte")

    assert page.status_code == 403
    assert "Accès refusé" in text(page)
    assert sent.status_code == 403
    assert requests_made(db) == []


def test_request_is_created_for_ans(db, mandataire, company, signed_in_client, submit_as):
    browser = signed_in_client(mandataire)

    response = submit_as(browser, PAGE, {
        "name": "Hélianthe SAS", "head_office_address": "20 avenue Charles de Gaulle, 75008 Paris",
        "comment": "Transformation en SAS (Kbis du 2 mars)",
    })

    assert response.status_code == 303
    assert location_path(response) == "/compte"
    assert "a été envoyée aux équipes de l'ANS" in text(browser.get("/compte"))
    [change] = requests_made(db)
    assert change.company_id == company.id
    assert change.requester_id == mandataire.id
    assert change.status == ChangeStatus.PENDING
    assert change.requested == {"name": "Hélianthe SAS"}
    assert change.previous == {"name": "Laboratoires Hélianthe"}
    assert change.comment == "Transformation en SAS (Kbis du 2 mars)"
    db.session.refresh(company)
    assert company.name == "Laboratoires Hélianthe"  # until ANS decides


def test_a_request_that_changes_nothing_is_refused(db, mandataire, signed_in_client, submit_as):
    browser = signed_in_client(mandataire)

    response = submit_as(browser, PAGE, {
        "name": "Laboratoires Hélianthe", "head_office_address": "20 avenue Charles de Gaulle, 75008 Paris",
        "comment": "",
    })

    assert response.status_code == 422
    assert "La demande ne modifie aucune information de l'entreprise." in text(response)
    assert requests_made(db) == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "La raison sociale est obligatoire."),
    ("name", "N" * 256, "255 caractères au plus."),
    ("name", "Hélianthe\x00", "Ce champ contient des caractères non autorisés."),
    ("head_office_address", "", "L'adresse du siège est obligatoire."),
    ("head_office_address", "a" * 501, "500 caractères au plus."),
    ("head_office_address", "1 rue\nde la Paix", "Ce champ contient des caractères non autorisés."),
    ("comment", "c" * 2001, "Le commentaire ne peut pas dépasser 2000 caractères."),
    ("comment", "\x00", "Ce champ contient des caractères non autorisés."),
])
def test_refused_values_are_explained_on_their_field(db, mandataire, signed_in_client, submit_as, field, value, message):
    browser = signed_in_client(mandataire)
    typed = {"name": "Hélianthe SAS", "head_office_address": "3 rue Neuve, 69001 Lyon", "comment": "Déménagement"}
    typed[field] = value

    response = submit_as(browser, PAGE, typed)

    assert response.status_code == 422
    assert message in error_of_field(response, field)
    if field != "head_office_address":
        assert input_value(response, "head_office_address") == "3 rue Neuve, 69001 Lyon"
    assert requests_made(db) == []


def test_hostile_markup_is_kept_as_text(db, mandataire, signed_in_client, submit_as):
    browser = signed_in_client(mandataire)

    submit_as(browser, PAGE, {"name": "<script>alert(1)</script>", "head_office_address": "3 rue Neuve",
                              "comment": "<b>gras</b>"})

    [change] = requests_made(db)
    assert change.requested["name"] == "<script>alert(1)</script>"
    page = browser.get(PAGE).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page and "<b>gras</b>" not in page


def test_a_pending_request_is_shown_instead_of_the_form(db, mandataire, signed_in_client, submit_as):
    browser = signed_in_client(mandataire)
    submit_as(browser, PAGE, {"name": "Hélianthe SAS", "head_office_address": "3 rue Neuve, 69001 Lyon",
                              "comment": "Nouveau siège"})

    page = browser.get(PAGE)
    again = submit_as(browser, PAGE, {"name": "Encore autre", "head_office_address": "Ailleurs", "comment": ""},
                      form_url="/compte")

    assert page.status_code == 200
    assert "Demande de modification des informations de l'entreprise en cours" in text(page)
    assert "Raison sociale Laboratoires Hélianthe Hélianthe SAS" in text(page)
    assert "Nouveau siège" in text(page)
    assert 'name="name"' not in page.get_data(as_text=True)
    assert again.status_code == 409
    assert "déjà en cours de traitement" in text(again)
    assert len(requests_made(db)) == 1


def test_post_without_csrf_token_is_refused(db, mandataire, signed_in_client):
    browser = signed_in_client(mandataire)

    response = browser.post(PAGE, data={"name": "Hélianthe SAS", "head_office_address": "Lyon", "comment": ""})

    assert response.status_code == 400
    assert requests_made(db) == []
