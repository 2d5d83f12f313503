"""A registration demande decided from « Vos demandes à traiter »: its detail, « Valider
l'inscription » (account active, set-password e-mail, the person signs in) and « Refuser
l'inscription » (reason required and e-mailed, the applicant erased)."""

import pytest
import sqlalchemy as sa

from isc import membership
from isc.models import AuditEvent, Demande, DemandeStatus, Role, User, UserStatus
from tests.portal.pages import error_of_field, location_path, text

FIRST_PASSWORD = "ma toute première phrase secrète"


@pytest.fixture
def company(make_company):
    return make_company(name="Laboratoires Hélianthe")


@pytest.fixture
def representant(company, make_user):
    return make_user("representant", company=company, first_name="Rémi", last_name="Bernard")


@pytest.fixture
def registration(app, db, company, representant):
    """Paul Clerand, salarié, asks to join the company."""
    with app.test_request_context():
        demande = membership.request_registration(company, Role.SALARIE, {
            "username": "paul.clerand", "civility": "monsieur", "first_name": "Paul", "last_name": "Clerand",
            "email": "paul.clerand@helianthe.fr", "direct_phone": "01 23 45 67 89", "phone": "06 12 34 56 78",
        }, "v1")
    db.session.commit()
    return demande


def fresh(db, model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def test_detail_shows_the_applicant_and_the_buttons(registration, representant, signed_in_client):
    response = signed_in_client(representant).get(f"/demandes/{registration.id}")

    assert response.status_code == 200
    page = text(response)
    assert "Tableau de bord Vos demandes à traiter Demandes d'inscription à traiter Détail d'une demande" in page
    assert "Retour à la liste des demandes" in page
    assert "Demande d'inscription" in page
    assert "Date de demande :" in page
    assert "Informations personnelles actuelles" in page
    for expected in ("Nom d'utilisateur", "Civilité", "Prénom", "Nom", "paul.clerand", "Monsieur", "Paul",
                     "Clerand", "Adresse e-mail", "paul.clerand@helianthe.fr", "N° de téléphone direct",
                     "+33 1 23 45 67 89", "Rôle demandé", "Salarié", "Laboratoires Hélianthe"):
        assert expected in page, expected
    assert "Refuser l'inscription" in page and "Valider l'inscription" in page
    assert "Modifications demandées" not in page


def test_validating_activates_the_account_and_the_person_signs_in(
    db, registration, representant, signed_in_client, submit_as, make_client, outbox, password_link_in,
):
    browser = signed_in_client(representant)

    response = submit_as(browser, f"/demandes/{registration.id}/valider", {},
                         form_url=f"/demandes/{registration.id}")

    assert response.status_code == 303
    assert location_path(response) == "/demandes?type=inscription"
    listing = text(browser.get(location_path(response)))
    assert ("Vous avez validé l'inscription de Paul Clerand : un e-mail l'invite à initialiser son mot "
            "de passe.") in listing
    assert "Demandes d'inscription (0)" in listing
    demande = fresh(db, Demande, registration.id)
    assert demande.status == DemandeStatus.APPROVED and demande.decided_by_id == representant.id
    applicant = db.session.get(User, registration.user_id)
    assert applicant.status == UserStatus.ACTIVE
    assert outbox.last(applicant.email).template == "password_setup"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "demande.registration_approved"))

    link = password_link_in(applicant)
    newcomer = make_client()
    assert submit_as(newcomer, link, {"password": FIRST_PASSWORD, "confirmation": FIRST_PASSWORD}).status_code == 303
    signed_in = submit_as(newcomer, "/connexion", {"login": "paul.clerand", "password": FIRST_PASSWORD})
    assert location_path(signed_in) == "/tableau-de-bord"
    assert "Paul" in text(newcomer.get("/tableau-de-bord"))


def test_a_validated_demande_shows_its_outcome_and_no_button(
    db, registration, representant, company, make_user, signed_in_client, submit_as,
):
    submit_as(signed_in_client(representant), f"/demandes/{registration.id}/valider", {},
              form_url=f"/demandes/{registration.id}")
    mandataire = make_user("mandataire", company=company)

    for viewer, who in ((representant, "par vous"), (mandataire, "par Rémi Bernard")):
        page = text(signed_in_client(viewer).get(f"/demandes/{registration.id}"))
        assert "Statut : Validée" in page
        assert f"Cette demande a été validée {who} le" in page
        assert "Valider l'inscription" not in page and "Refuser l'inscription" not in page


def test_refusal_page_asks_for_the_reason(registration, representant, signed_in_client):
    browser = signed_in_client(representant)

    detail = browser.get(f"/demandes/{registration.id}").get_data(as_text=True)
    response = browser.get(f"/demandes/{registration.id}/refuser")

    assert f'href="/demandes/{registration.id}/refuser"' in detail
    assert response.status_code == 200
    page = text(response)
    assert "Refuser l'inscription" in page
    assert "Motif du refus *" in page
    assert "Le motif que vous indiquez lui sera envoyé par e-mail." in page
    assert "<textarea" in response.get_data(as_text=True)


def test_refusing_without_a_reason_is_refused_and_changes_nothing(
    db, registration, representant, signed_in_client, submit_as, outbox,
):
    before = len(outbox.messages())

    response = submit_as(signed_in_client(representant), f"/demandes/{registration.id}/refuser", {"reason": "   "})

    assert response.status_code == 422
    message = "Expliquez la raison du refus : la personne la recevra par e-mail."
    assert message in error_of_field(response, "reason")
    assert "Le formulaire contient une erreur" in text(response)
    assert fresh(db, Demande, registration.id).status == DemandeStatus.PENDING
    assert len(outbox.messages()) == before


def test_refusing_emails_the_reason_and_erases_the_applicant(
    db, registration, representant, signed_in_client, submit_as, outbox,
):
    browser = signed_in_client(representant)

    response = submit_as(browser, f"/demandes/{registration.id}/refuser",
                         {"reason": "Nous ne connaissons pas cette personne.\nContactez le service RH."})

    assert response.status_code == 303
    assert location_path(response) == "/demandes?type=inscription"
    assert ("Vous avez refusé l'inscription de Paul Clerand : le motif lui a été envoyé par e-mail."
            in text(browser.get(location_path(response))))
    message = outbox.last("paul.clerand@helianthe.fr")
    assert message.template == "demande_registration_refused"
    assert "Nous ne connaissons pas cette personne.\nContactez le service RH." in message.text_body
    demande = fresh(db, Demande, registration.id)
    assert demande.status == DemandeStatus.REFUSED
    assert demande.decision_comment == "Nous ne connaissons pas cette personne.\nContactez le service RH."
    applicant = db.session.get(User, registration.user_id)
    assert applicant.status == UserStatus.DELETED
    assert "paul" not in (applicant.username + applicant.email + applicant.first_name + applicant.last_name).lower()

    page = text(browser.get(f"/demandes/{registration.id}"))
    assert "Statut : Refusée" in page and "Cette demande a été refusée par vous le" in page
    assert "Motif du refus : Nous ne connaissons pas cette personne." in page
    assert "Les informations personnelles de cette personne ont été effacées" in page
    assert "Clerand" not in page
    assert "Valider l'inscription" not in page


def test_refusal_page_of_a_decided_demande_sends_back_to_the_detail(
    registration, representant, signed_in_client, submit_as,
):
    browser = signed_in_client(representant)
    submit_as(browser, f"/demandes/{registration.id}/valider", {}, form_url=f"/demandes/{registration.id}")

    response = browser.get(f"/demandes/{registration.id}/refuser")

    assert response.status_code == 303
    assert location_path(response) == f"/demandes/{registration.id}"
    assert membership.ALREADY_DECIDED in text(browser.get(location_path(response)))


def test_a_mandataire_validates_a_representants_registration(
    app, db, company, make_user, signed_in_client, submit_as, outbox,
):
    mandataire = make_user("mandataire", company=company)
    with app.test_request_context():
        demande = membership.request_registration(company, Role.REPRESENTANT, {
            "username": "rita", "civility": "madame", "first_name": "Rita", "last_name": "Roy",
            "email": "rita@helianthe.fr", "direct_phone": "01 23 45 67 89", "phone": "",
        }, "v1")
    db.session.commit()
    assert outbox.last(mandataire.email).template == "demande_to_process"
    assert f"/demandes/{demande.id}" in outbox.last(mandataire.email).text_body

    response = submit_as(signed_in_client(mandataire), f"/demandes/{demande.id}/valider", {},
                         form_url=f"/demandes/{demande.id}")

    assert response.status_code == 303
    assert fresh(db, User, demande.user_id).status == UserStatus.ACTIVE
