"""The whole journey up to the partner and back, over real HTTP with the partner's stand-in:
consent → the partner's page → the tester's verdict → signed webhooks → the dossier in review."""

from datetime import date
from urllib.parse import urlsplit

import pytest

from isc.identity.checks import Outcome, review_checks
from isc.models.registration import RegistrationStatus
from tests.identity.conftest import Browser
from tests.portal.pages import location_path, text
from tests.registration.conftest import (
    APPLICANT,
    VERIFICATION,
    VERIFICATION_RETRY,
    VERIFICATION_STATUS,
)


@pytest.fixture
def leave_for_the_partner(journey, kbis_for, live_isc):
    """Étapes 2 to 4 done; returns the partner's verification URL the consent led to."""

    def leave() -> str:
        journey.to_identity_step(kbis_for())
        response = journey.consent()
        assert response.status_code == 303, text(journey.get("/inscription/mandataire/identite"))
        return response.headers["Location"]

    return leave


def test_approved_verification_puts_the_dossier_in_review(
    journey, leave_for_the_partner, live_isc, wait_until, outbox
):
    partner_url = leave_for_the_partner()

    assert partner_url.startswith(live_isc + "/_partenaire/ubble/parcours/")
    registration = journey.registration()
    assert registration.status == RegistrationStatus.IDENTITY_CHECK
    assert registration.consent_version == "1.0" and registration.consent_at is not None
    check = registration.identity_check
    assert check.verification_id.startswith("idv_") and check.attempts == 1
    waiting = journey.get(VERIFICATION)
    assert waiting.status_code == 200
    page = text(waiting)
    assert "Suivez les instructions sur votre mobile" in page
    assert "Ne fermez pas et ne rechargez pas cette page pour pouvoir continuer" in page
    html = waiting.get_data(as_text=True)
    assert f'data-isc-poll="{VERIFICATION_STATUS}"' in html and "/static/js/poll.js" in html
    assert journey.get(VERIFICATION_STATUS).json == {"state": "waiting"}

    back = Browser().choose(partner_url, "approve")  # the phone, on the partner's page

    assert back.status_code == 303
    assert urlsplit(back.headers["Location"]).path == VERIFICATION
    wait_until(
        lambda: journey.registration().status == RegistrationStatus.IN_REVIEW,
        message="the partner's result never reached the dossier",
    )
    registration = journey.registration()
    assert registration.submitted_at is not None
    check = registration.identity_check
    assert check.partner_status == "approved" and check.completed_at is not None
    assert check.response_codes == [{"code": 10000, "summary": "approved"}]
    assert (check.document_type, check.document_country) == ("ID", "FRA")
    assert (check.first_names, check.last_name) == ("PIERRE", "DURAND")
    assert check.birth_date == date(1980, 1, 1) and check.document_expiry > date.today()
    assert check.document_number
    assert registration.kbis.passed and registration.kbis.extract["siren"] == "842915308"

    message = outbox.last(APPLICANT["email"])
    assert message.template == "registration_in_review"
    assert message.subject == "Votre demande d'inscription est en cours de vérification"
    for line in (
        "l'authenticité de la pièce d'identité transmise,",
        "la correspondance du visage avec la photo de la pièce d'identité,",
        (
            "la cohérence des données (nom, prénom) avec celles indiquées dans le formulaire "
            "d'inscription et les données extraites du Kbis."
        ),
        (
            "dans un délai de 24 h, un e-mail vous confirmant la création de votre compte et vous "
            "permettant d'initialiser votre mot de passe"
        ),
        "Entreprise : SANTÉ INDUSTRIE CONSEIL (SIREN 842915308)",
    ):
        assert line in message.text_body, line
    assert [m.template for m in outbox.messages(APPLICANT["email"])].count(
        "registration_in_review"
    ) == 1

    done = journey.get(location_path(back))  # the return URL, with the partner's query
    assert done.status_code == 200
    page = text(done)
    assert "Vérification de votre identité terminée" in page
    assert (
        "Nous vous remercions d'avoir communiqué à nos services les informations relatives à votre "
        "identité. Une vérification est en cours de finalisation."
    ) in page
    assert (
        "vous recevrez, dans un délai de 24h, un e-mail vous confirmant la création de votre compte"
        in page
    )
    assert "Retourner à la page d'accueil du fournisseur d'identité" in page
    assert "Vérification d'identité Étape 4 sur 4 : terminée" in page
    assert journey.get(VERIFICATION_STATUS).json == {"state": "done"}
    # The journey is over: its steps lead to this page.
    assert location_path(journey.get("/inscription/mandataire/identite")) == VERIFICATION


def test_declined_verification_also_goes_to_review_with_the_failed_check(
    journey, leave_for_the_partner, wait_until
):
    partner_url = leave_for_the_partner()

    Browser().choose(partner_url, "decline", decline_code="62304")

    wait_until(lambda: journey.registration().status == RegistrationStatus.IN_REVIEW)
    check = journey.registration().identity_check
    assert check.partner_status == "declined"
    checks = review_checks([c["code"] for c in check.response_codes])
    assert checks.face.outcome is Outcome.FAILED
    assert "Vérification de votre identité terminée" in text(journey.get(VERIFICATION))


def test_retry_required_lets_the_person_try_again(
    journey, leave_for_the_partner, wait_until, live_isc
):
    partner_url = leave_for_the_partner()

    Browser().choose(partner_url, "retry", retry_code="61301")

    wait_until(lambda: journey.registration().identity_check.partner_status == "retry_required")
    assert journey.get(VERIFICATION_STATUS).json == {"state": "retry"}
    page = text(journey.get(VERIFICATION))
    assert "Une nouvelle tentative est nécessaire" in page
    assert "Vidéo de la pièce d'identité floue" in page
    assert "Réessayer la vérification" in page
    assert journey.registration().status == RegistrationStatus.IDENTITY_CHECK

    response = journey.post(VERIFICATION_RETRY, {}, form_url=VERIFICATION)

    assert response.status_code == 303
    new_url = response.headers["Location"]
    assert new_url.startswith(live_isc + "/_partenaire/ubble/parcours/") and new_url != partner_url
    check = journey.registration().identity_check
    assert check.attempts == 2 and check.partner_status == "pending"

    Browser().choose(new_url, "approve")

    wait_until(lambda: journey.registration().status == RegistrationStatus.IN_REVIEW)
    assert journey.registration().identity_check.partner_status == "approved"


def test_a_browser_without_the_registration_is_told_where_to_go_on(client):
    lost = client.get(VERIFICATION)

    assert lost.status_code == 404
    assert "Inscription introuvable" in text(lost)
    assert client.get(VERIFICATION_STATUS).status_code == 404

    # The phone the person filmed with is sent back here by the partner, without the draft.
    phone = client.get(VERIFICATION + "?id=idv_01m8s74582gkra8wj0ve7dt4hs&event=x")

    assert phone.status_code == 404
    assert (
        "Vous pouvez arrêter ici l'utilisation de votre téléphone et consulter votre ordinateur"
        in text(phone)
    )
