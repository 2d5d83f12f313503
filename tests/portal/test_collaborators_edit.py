"""« Éditer »: a mandataire or a représentant changes a représentant's or salarié's details
directly; the person is told by e-mail (at both addresses when the e-mail changes); refused
values are explained on their fields and nothing typed is lost."""

import html
import re

import pytest
import sqlalchemy as sa

from isc import collaborators
from isc.models import AuditEvent, User
from tests.portal.pages import error_of_field, location_path, text


@pytest.fixture
def company(make_company):
    return make_company(name="Laboratoires Hélianthe")


@pytest.fixture
def mandataire(make_user, company):
    return make_user("mandataire", company=company, first_name="Pierre", last_name="Durand",
                     email="pierre@helianthe.fr")


@pytest.fixture
def aline(make_user, company):
    return make_user("salarie", company=company, username="aline", first_name="Aline", last_name="Durand",
                     email="aline@helianthe.fr", phone="+33123456789", direct_phone="+33612345678")


def url_of(user) -> str:
    return f"/collaborateurs/{user.public_id}/modifier"


def typed(**changes) -> dict[str, str]:
    values = {"civility": "madame", "first_name": "Aline", "last_name": "Durand", "email": "aline@helianthe.fr",
              "direct_phone": "+33 6 12 34 56 78", "phone": "+33 1 23 45 67 89"}
    values.update(changes)
    return values


def input_value(response, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', response.get_data(as_text=True)).group(0)
    value = re.search(r'\bvalue="([^"]*)"', tag)
    return html.unescape(value.group(1)) if value else ""


def fresh(db, user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_form_is_prefilled(mandataire, aline, signed_in_client):
    response = signed_in_client(mandataire).get(url_of(aline))

    assert response.status_code == 200
    assert "Éditer le compte de Aline Durand" in text(response)
    assert '<option selected value="madame">Madame</option>' in response.get_data(as_text=True)
    assert [input_value(response, name) for name in ("first_name", "last_name", "email", "direct_phone", "phone")] == [
        "Aline", "Durand", "aline@helianthe.fr", "+33 6 12 34 56 78", "+33 1 23 45 67 89"]


def test_change_applies_at_once_and_is_emailed(db, mandataire, aline, signed_in_client, submit_as, outbox):
    browser = signed_in_client(mandataire)

    response = submit_as(browser, url_of(aline), typed(last_name="Martin", direct_phone="06 12 34 56 99"))

    assert response.status_code == 303
    assert location_path(response) == f"/collaborateurs/{aline.public_id}"
    page = text(browser.get(location_path(response)))
    assert "Les informations de Aline Martin ont été modifiées (Nom, N° de téléphone direct)." in page
    user = fresh(db, aline)
    assert (user.last_name, user.direct_phone) == ("Martin", "+33612345699")
    notice = outbox.last("aline@helianthe.fr")
    assert notice.template == "collaborator_updated"
    assert "Martin" in notice.text_body
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "collaborator.updated"))
    assert event.actor_id == mandataire.id and event.target_id == aline.id


def test_a_new_email_address_is_told_at_both_addresses(db, mandataire, aline, signed_in_client, submit_as, outbox):
    browser = signed_in_client(mandataire)

    submit_as(browser, url_of(aline), typed(email="Aline.Durand@Helianthe.fr"))

    assert fresh(db, aline).email == "aline.durand@helianthe.fr"
    assert outbox.last("aline.durand@helianthe.fr").template == "collaborator_updated"
    assert outbox.last("aline@helianthe.fr").template == "email_changed"


def test_a_representant_edits_a_salarie(db, make_user, company, aline, signed_in_client, submit_as):
    browser = signed_in_client(make_user("representant", company=company))

    response = submit_as(browser, url_of(aline), typed(first_name="Aline-Marie"))

    assert response.status_code == 303
    assert fresh(db, aline).first_name == "Aline-Marie"


def test_nothing_changed_is_said(db, mandataire, aline, signed_in_client, submit_as, outbox):
    browser = signed_in_client(mandataire)

    response = submit_as(browser, url_of(aline), typed())

    assert response.status_code == 303
    assert "Aucune information n'a été modifiée." in text(browser.get(location_path(response)))
    assert outbox.messages("aline@helianthe.fr") == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("first_name", "", "Le prénom est obligatoire."),
    ("last_name", "x" * 101, "100 caractères au plus."),
    ("last_name", "Dur\x00and", "Ce champ contient des caractères non autorisés."),
    ("last_name", "<script>alert(1)</script>", "Le nom ne peut contenir que des lettres"),
    ("email", "pas-une-adresse", "L'adresse e-mail n'est pas valide"),
    ("email", "pierre@helianthe.fr", "Un compte ou une inscription en cours utilise déjà cette adresse e-mail."),
    ("direct_phone", "", "Le numéro de téléphone direct est obligatoire."),
    ("direct_phone", "0612", "Le numéro de téléphone n'est pas valide"),
    ("phone", "abc", "Le numéro de téléphone n'est pas valide"),
    ("civility", "monsieur'--", "Sélectionnez l'une des civilités proposées."),
])
def test_refused_values_are_explained_on_their_field(db, mandataire, aline, signed_in_client, submit_as, outbox,
                                                      field, value, message):
    browser = signed_in_client(mandataire)
    values = typed(first_name="Aline-Marie")
    values[field] = value

    response = submit_as(browser, url_of(aline), values)

    assert response.status_code == 422
    assert message in error_of_field(response, field)
    if field != "first_name":
        assert input_value(response, "first_name") == "Aline-Marie"
    assert fresh(db, aline).first_name == "Aline"
    assert outbox.messages("aline@helianthe.fr") == []


def test_the_service_refuses_control_characters_whatever_form_sent_them(db, mandataire, aline):
    # The console or another form may not check characters: the name itself is refused.
    values = {"civility": "madame", "first_name": "Aline", "last_name": "Du\x00rand", "email": "aline@helianthe.fr",
              "direct_phone": "+33612345678", "phone": ""}

    with pytest.raises(collaborators.CollaboratorError) as refused:
        collaborators.update(mandataire, aline, values)

    assert refused.value.field == "last_name"
    assert "ne peut contenir que des lettres" in str(refused.value)
