"""« Edit » on « Votre compte »: a modification demande of one's personal details, with a
comment, sent to those who decide it (ANS for a mandataire); errors on their fields, 422, and
nothing typed lost; one demande at a time."""

import html
import io
import re

import pytest
import sqlalchemy as sa

from isc.models import Demande, DemandeKind, DemandeStatus
from tests.conftest import csrf_token_of
from tests.portal.pages import error_of_field, location_path, text

PAGE = "/compte/modifier"


@pytest.fixture
def company(make_company):
    return make_company(name="Laboratoires Hélianthe")


@pytest.fixture
def team(make_user, company):
    """A mandataire, a représentant and two salariés of one company."""

    def person(role, name):
        return make_user(role, company=company, username=name, first_name=name.capitalize(), last_name="Durand",
                         email=f"{name}@helianthe.fr", phone="+33123456789", direct_phone="+33612345678")

    return {
        "mandataire": person("mandataire", "pierre"),
        "representant": person("representant", "paul"),
        "salarie": person("salarie", "aline"),
        "colleague": person("salarie", "linda"),
    }


def current_values(**changes) -> dict[str, str]:
    """The form as prefilled for the team's people, with `changes`."""
    values = {"civility": "madame", "first_name": "Aline", "last_name": "Durand", "email": "aline@helianthe.fr",
              "direct_phone": "+33 6 12 34 56 78", "phone": "+33 1 23 45 67 89", "comment": ""}
    values.update(changes)
    return values


def demandes(db) -> list[Demande]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Demande).order_by(Demande.id)))


def input_value(response, name: str) -> str | None:
    """The value an <input> of the page holds (None when there is no such input)."""
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', response.get_data(as_text=True))
    if match is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def test_form_is_prefilled_with_the_current_values(team, signed_in_client):
    browser = signed_in_client(team["salarie"])

    response = browser.get(PAGE)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<option selected value="madame">Madame</option>' in html
    assert input_value(response, "first_name") == "Aline"
    assert input_value(response, "last_name") == "Durand"
    assert input_value(response, "email") == "aline@helianthe.fr"
    assert input_value(response, "direct_phone") == "+33 6 12 34 56 78"
    assert input_value(response, "phone") == "+33 1 23 45 67 89"
    assert '<textarea' in html and 'name="comment"' in html
    assert "Commentaire" in text(response)


@pytest.mark.parametrize(("role", "deciders"), [
    ("mandataire", "validée ou refusée par les équipes de l'ANS"),
    ("representant", "validée ou refusée par les mandataires de votre entreprise"),
    ("salarie", "validée ou refusée par les mandataires et les représentants de votre entreprise"),
])
def test_page_says_who_will_validate(team, signed_in_client, role, deciders):
    browser = signed_in_client(team[role])

    assert deciders in text(browser.get(PAGE))


def test_salarie_demande_is_created_with_its_comment_and_emailed_to_deciders(
    db, team, signed_in_client, submit_as, outbox, make_user, make_company
):
    outsider = make_user("mandataire", company=make_company(), email="autre@ailleurs.fr")
    browser = signed_in_client(team["salarie"])

    response = submit_as(browser, PAGE, current_values(direct_phone="06 12 34 56 99",
                                                       comment="Changement de numéro de téléphone"))

    assert response.status_code == 303
    assert location_path(response) == "/compte"
    assert "Votre demande de modification a été envoyée" in text(browser.get("/compte"))
    [demande] = demandes(db)
    assert demande.kind == DemandeKind.MODIFICATION
    assert demande.status == DemandeStatus.PENDING
    assert demande.user_id == team["salarie"].id
    assert demande.requested == {"direct_phone": "+33612345699"}
    assert demande.previous == {"direct_phone": "+33612345678"}
    assert demande.comment == "Changement de numéro de téléphone"
    recipients = {message.recipient for message in outbox.messages() if message.template == "demande_to_process"}
    assert recipients == {"pierre@helianthe.fr", "paul@helianthe.fr"}
    notice = outbox.last("pierre@helianthe.fr")
    assert "Aline Durand demande la modification de ses informations personnelles" in notice.text_body
    assert f"http://localhost/demandes/{demande.id}" in notice.text_body
    assert outbox.messages(outsider.email) == []
    assert outbox.messages("linda@helianthe.fr") == []


def test_representant_demande_is_emailed_to_mandataires_only(db, team, signed_in_client, submit_as, outbox):
    browser = signed_in_client(team["representant"])

    response = submit_as(browser, PAGE, current_values(first_name="Paul", email="paul.durand@helianthe.fr"))

    assert response.status_code == 303
    [demande] = demandes(db)
    assert demande.requested == {"email": "paul.durand@helianthe.fr"}
    recipients = {message.recipient for message in outbox.messages() if message.template == "demande_to_process"}
    assert recipients == {"pierre@helianthe.fr"}


def test_mandataire_demande_goes_to_ans_and_an_empty_direct_line_stays_empty(
    db, make_user, company, signed_in_client, submit_as, outbox
):
    # A mandataire registers with one phone number only: no direct line to keep or refuse.
    mandataire = make_user("mandataire", company=company, first_name="Pierre", last_name="Durand",
                           email="pierre@helianthe.fr", phone="+33123456789", direct_phone="")
    browser = signed_in_client(mandataire)
    form = browser.get(PAGE)
    assert input_value(form, "direct_phone") == ""

    response = submit_as(browser, PAGE, current_values(
        first_name="Pierre", email="pierre.durand@helianthe.fr", direct_phone="", comment="Nouvelle adresse"))

    assert response.status_code == 303
    [demande] = demandes(db)
    assert demande.requested == {"email": "pierre.durand@helianthe.fr"}
    assert [m for m in outbox.messages() if m.template == "demande_to_process"] == []


def test_a_demande_that_changes_nothing_is_refused(db, team, signed_in_client, submit_as):
    browser = signed_in_client(team["salarie"])

    response = submit_as(browser, PAGE, current_values(comment="Rien"))

    assert response.status_code == 422
    assert "Votre demande ne modifie aucune information : changez au moins une valeur." in text(response)
    assert demandes(db) == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("first_name", "", "Le prénom est obligatoire."),
    ("first_name", "   ", "Le prénom est obligatoire."),
    ("last_name", "D" * 101, "100 caractères au plus."),
    ("last_name", "Du\x00rand", "Ce champ contient des caractères non autorisés."),
    ("first_name", "<script>alert(1)</script>", "Le prénom ne peut contenir que des lettres"),
    ("email", "", "L'adresse e-mail est obligatoire."),
    ("email", "aline@", "L'adresse e-mail n'est pas valide"),
    ("email", "a" * 250 + "@x.fr", "254 caractères au plus."),
    ("email", "pierre@helianthe.fr", "Un compte ou une inscription en cours utilise déjà cette adresse e-mail."),
    ("direct_phone", "", "Le numéro de téléphone n'est pas valide"),
    ("direct_phone", "12ab", "Le numéro de téléphone n'est pas valide"),
    ("phone", "+33 1 23", "Le numéro de téléphone n'est pas valide"),
    ("phone", "0" * 33, "32 caractères au plus."),
    ("civility", "docteur", "Sélectionnez l'une des civilités proposées."),
    ("civility", "", "Sélectionnez la civilité."),
    ("comment", "x" * 2001, "Le commentaire ne peut pas dépasser 2000 caractères."),
    ("comment", "Bonjour\x00", "Ce champ contient des caractères non autorisés."),
])
def test_refused_values_are_explained_on_their_field(db, team, signed_in_client, submit_as, field, value, message):
    browser = signed_in_client(team["salarie"])
    typed = current_values(last_name="Martin", comment="Mon nom d'usage")
    typed[field] = value

    response = submit_as(browser, PAGE, typed)

    assert response.status_code == 422
    assert message in error_of_field(response, field)
    assert "Le formulaire contient" in text(response)
    if field not in ("last_name", "comment"):
        assert input_value(response, "last_name") == "Martin"  # nothing typed is lost
    if field != "comment":
        assert "Mon nom d&#39;usage" in response.get_data(as_text=True)
    assert demandes(db) == []


def test_a_comment_keeps_its_lines_and_is_shown_as_text(db, team, signed_in_client, submit_as):
    browser = signed_in_client(team["salarie"])

    submit_as(browser, PAGE, current_values(last_name="Martin", comment="Mariage\r\n<script>alert(1)</script>"))

    [demande] = demandes(db)
    assert demande.comment == "Mariage\r\n<script>alert(1)</script>"
    html = browser.get("/compte").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_a_pending_demande_is_shown_and_a_second_one_is_refused(db, team, signed_in_client, submit_as):
    browser = signed_in_client(team["salarie"])
    first_form = browser.get(PAGE)
    token = csrf_token_of(first_form.get_data(as_text=True))
    submit_as(browser, PAGE, current_values(last_name="Martin", comment="Mariage"))

    page = browser.get(PAGE)
    again = browser.post(PAGE, data={"csrf_token": token, **current_values(last_name="Dupont")})

    assert page.status_code == 200
    assert "Demande de modification en cours" in text(page)
    assert "Nom Durand Martin" in text(page)
    assert 'name="first_name"' not in page.get_data(as_text=True)
    assert again.status_code == 409
    assert "déjà en cours de traitement" in text(again)
    assert [d.requested for d in demandes(db)] == [{"last_name": "Martin"}]


def test_post_without_csrf_token_is_refused(db, team, signed_in_client):
    browser = signed_in_client(team["salarie"])

    response = browser.post(PAGE, data=current_values(last_name="Martin"))

    assert response.status_code == 400
    assert "Le formulaire a expiré" in text(response)
    assert demandes(db) == []


def test_a_json_body_or_a_file_is_not_read_as_text(db, team, signed_in_client):
    browser = signed_in_client(team["salarie"])
    token = csrf_token_of(browser.get(PAGE).get_data(as_text=True))

    as_json = browser.post(PAGE, json={**current_values(last_name="Martin"), "comment": {"a": 1}, "phone": 33},
                           headers={"X-CSRFToken": token})
    as_file = browser.post(PAGE, content_type="multipart/form-data", data={
        **current_values(last_name="Martin"), "csrf_token": token, "comment": (io.BytesIO(b"\x00\xff"), "c.bin")})

    assert as_json.status_code == 422
    assert "Le prénom est obligatoire." in error_of_field(as_json, "first_name")
    assert as_file.status_code == 303  # the file is no comment: the demande goes without one
    assert [(demande.requested, demande.comment) for demande in demandes(db)] == [({"last_name": "Martin"}, "")]
