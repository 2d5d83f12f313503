"""A modification demande decided from « Vos demandes à traiter »: the current and requested
values with the comment, « Valider la modification » (values applied, e-mails) and « Refuser la
modification » (values kept, the reason e-mailed)."""

import pytest

from isc import membership
from isc.models import Demande, DemandeStatus, User
from tests.portal.pages import location_path, text


@pytest.fixture
def people(make_company, make_user):
    company = make_company(name="LOGIPRO")
    return {
        "mandataire": make_user("mandataire", company=company, first_name="Pierre-François", last_name="Durand"),
        "salarie": make_user("salarie", company=company, username="alinedurandconvergence", first_name="Aline",
                             last_name="Durand", email="aline@logipro.fr", direct_phone="+33123456789"),
    }


@pytest.fixture
def modification(app, db, people):
    with app.test_request_context():
        demande = membership.request_modification(
            people["salarie"], {"direct_phone": "01 23 45 67 99", "email": "aline.durand@logipro.fr"},
            "Changement de numéro de téléphone")
    db.session.commit()
    return demande


def fresh_user(db, user_id):
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_detail_shows_current_and_requested_values_and_the_comment(modification, people, signed_in_client):
    response = signed_in_client(people["mandataire"]).get(f"/demandes/{modification.id}")

    assert response.status_code == 200
    page = text(response)
    assert "Demandes de modification à traiter Détail d'une demande" in page
    assert "Demande de modification" in page
    assert "Informations personnelles actuelles" in page
    assert "alinedurandconvergence Madame Aline Durand" in page
    assert "Modifications demandées Donnée Valeur actuelle Modification demandée" in page
    assert "N° de téléphone direct +33 1 23 45 67 89 +33 1 23 45 67 99" in page
    assert "Adresse e-mail aline@logipro.fr aline.durand@logipro.fr" in page
    assert "Commentaire associé à la demande Changement de numéro de téléphone" in page
    assert "Refuser la modification" in page and "Valider la modification" in page
    assert "Rôle demandé" not in page


def test_validating_applies_the_values_and_tells_the_person(
    db, modification, people, signed_in_client, submit_as, outbox,
):
    browser = signed_in_client(people["mandataire"])

    response = submit_as(browser, f"/demandes/{modification.id}/valider", {}, form_url=f"/demandes/{modification.id}")

    assert response.status_code == 303
    assert location_path(response) == "/demandes?type=modification"
    assert ("Vous avez validé la modification des informations de Aline Durand : la personne en est informée "
            "par e-mail.") in text(browser.get(location_path(response)))
    salarie = fresh_user(db, people["salarie"].id)
    assert salarie.direct_phone == "+33123456799"
    assert salarie.email == "aline.durand@logipro.fr"
    assert outbox.last("aline.durand@logipro.fr").template == "demande_modification_approved"
    assert outbox.last("aline@logipro.fr").template == "email_changed"

    page = text(browser.get(f"/demandes/{modification.id}"))
    assert "Statut : Validée" in page
    assert "Valeur au moment de la demande" in page
    assert "N° de téléphone direct +33 1 23 45 67 89 +33 1 23 45 67 99" in page
    assert "Valider la modification" not in page


def test_refusing_keeps_the_values_and_emails_the_reason(
    db, modification, people, signed_in_client, submit_as, outbox,
):
    browser = signed_in_client(people["mandataire"])

    response = submit_as(browser, f"/demandes/{modification.id}/refuser",
                         {"reason": "Ce numéro n'est pas celui de votre poste."})

    assert response.status_code == 303
    assert location_path(response) == "/demandes?type=modification"
    assert ("Vous avez refusé la modification des informations de Aline Durand : le motif lui a été envoyé par "
            "e-mail.") in text(browser.get(location_path(response)))
    salarie = fresh_user(db, people["salarie"].id)
    assert salarie.direct_phone == "+33123456789" and salarie.email == "aline@logipro.fr"
    message = outbox.last("aline@logipro.fr")
    assert message.template == "demande_modification_refused"
    assert "Ce numéro n'est pas celui de votre poste." in message.text_body
    assert db.session.get(Demande, modification.id).status == DemandeStatus.REFUSED

    page = text(browser.get(f"/demandes/{modification.id}"))
    assert "Statut : Refusée" in page and "Motif du refus : Ce numéro n'est pas celui de votre poste." in page
    assert "alinedurandconvergence" in page  # a modification's applicant keeps their account


def test_refusal_page_of_a_modification(modification, people, signed_in_client):
    page = text(signed_in_client(people["mandataire"]).get(f"/demandes/{modification.id}/refuser"))

    assert "Refuser la modification" in page
    assert "Ses informations resteront inchangées." in page


def test_validation_fails_cleanly_when_the_email_was_taken_meanwhile(
    db, modification, people, make_user, signed_in_client, submit_as,
):
    browser = signed_in_client(people["mandataire"])
    token_page = f"/demandes/{modification.id}"
    make_user("salarie", email="aline.durand@logipro.fr")  # someone took the address since

    response = submit_as(browser, f"/demandes/{modification.id}/valider", {}, form_url=token_page)

    assert response.status_code == 303 and location_path(response) == token_page
    page = text(browser.get(token_page))
    assert ("L'adresse e-mail demandée est désormais utilisée par un autre compte : cette modification ne peut "
            "pas être validée. Refusez-la en expliquant pourquoi à la personne.") in page
    assert "Valider la modification" in page  # still pending: it can be refused
    assert fresh_user(db, people["salarie"].id).email == "aline@logipro.fr"
    assert db.session.get(Demande, modification.id).status == DemandeStatus.PENDING
