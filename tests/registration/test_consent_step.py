"""Étape 4 « Vérification d'identité »: the guide's texts, consent required before leaving for
the partner, the consent recorded with its time and text version."""

import re

import pytest

from isc.models.registration import RegistrationStatus
from tests.portal.pages import error_of_field, text
from tests.registration.conftest import COMPANY, IDENTITY, closed_port_url


@pytest.fixture
def at_identity_step(journey, kbis_for):
    journey.to_identity_step(kbis_for())
    return journey


def test_page_shows_the_guide_s_texts_and_buttons(at_identity_step):
    response = at_identity_step.get(IDENTITY)

    assert response.status_code == 200
    page = text(response)
    assert "Inscrivez-vous en tant que mandataire" in page and "* champs obligatoires" in page
    assert "Vérification d'identité Étape 4 sur 4" in page
    assert "Étape suivante" not in page
    assert (
        "Important à savoir Afin de vérifier votre identité, vous allez devoir filmer une pièce "
        "d'identité recto et verso ainsi que votre visage de face et de profil à l'aide d'un "
        "téléphone portable doté d'une caméra."
    ) in page
    assert (
        "Données collectées Une vidéo de votre pièce d'identité recto verso (carte nationale "
        "d'identité, passeport, permis de conduire, ...) Une vidéo de votre visage de face et de "
        "profil."
    ) in page
    assert (
        "J'accepte que les données ci-dessus soient collectées et utilisées pour la vérification "
        "de mon identité suivant les conditions de confidentialité de notre partenaire *"
    ) in page
    for button in ("Retour", "Reprendre plus tard", "Procéder à la vérification de mon identité"):
        assert button in page
    assert 'data-fr-current-step="4"' in response.get_data(as_text=True)


def test_consent_is_required(at_identity_step):
    response = at_identity_step.consent(accept=False)

    assert response.status_code == 422
    assert error_of_field(response, "consent") == (
        "Vous devez accepter la collecte de ces données pour vérifier votre identité."
    )
    registration = at_identity_step.registration()
    assert registration.status == RegistrationStatus.DRAFT
    assert registration.consent_at is None and registration.identity_check is None


def test_retour_leads_back_to_the_kbis_result(at_identity_step):
    response = at_identity_step.get(COMPANY)

    assert response.status_code == 200
    assert "Vérifié Le numéro SIREN 842 915 308 est valide." in text(response)


def test_partner_down_keeps_the_draft_and_says_to_try_again(at_identity_step, app):
    app.config["UBBLE_API_URL"] = closed_port_url()

    response = at_identity_step.consent()

    assert response.status_code == 503
    assert (
        "Le service de vérification d'identité de notre partenaire ne répond pas pour le moment. "
        "Réessayez dans quelques minutes ; votre inscription est conservée."
    ) in text(response)
    registration = at_identity_step.registration()
    assert registration.status == RegistrationStatus.DRAFT
    assert registration.consent_at is None  # nothing half-done is kept
    assert "Procéder à la vérification de mon identité" in text(at_identity_step.get(IDENTITY))


def test_journey_pages_obey_the_content_security_policy(at_identity_step):
    for url in ("/inscription/mandataire", COMPANY, IDENTITY):
        html = at_identity_step.get(url).get_data(as_text=True)
        assert " style=" not in html and "<style" not in html, url
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all(' src="/static/' in tag for tag in scripts), (url, scripts)
