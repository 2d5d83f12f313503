"""« Reprendre plus tard »: an e-mailed link, single use and expiring, that brings the draft
back at the exact step, in another browser."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from isc.models.types import utcnow
from tests.portal.pages import location_path, text
from tests.registration.conftest import APPLICANT, COMPANY, IDENTITY, PERSONAL


def resume_link(outbox) -> str:
    message = outbox.last(APPLICANT["email"])
    assert message.template == "registration_resume"
    links = [link for link in outbox.links(message) if "/reprendre/" in link]
    assert len(links) == 1, outbox.links(message)
    return urlsplit(links[0]).path


def test_link_is_e_mailed_and_restores_the_company_step_in_a_new_browser(
    journey, make_journey, kbis_for, outbox
):
    journey.personal()
    journey.upload(kbis_for())

    response = journey.resume_later(form_url=COMPANY)

    assert response.status_code == 200
    page = text(response)
    assert "Votre inscription est enregistrée" in page
    assert APPLICANT["email"] in page and "valable 7 jours" in page
    message = outbox.last(APPLICANT["email"])
    assert message.subject == "Reprenez votre inscription sur Industriels Santé Connect"
    assert message.text_body.startswith("Bonjour Pierre Durand,")
    assert "Ce lien est valable 7 jours et ne peut servir qu'une fois." in message.text_body
    assert "Reprendre mon inscription" in message.html_body
    # The browser that asked no longer holds the draft: the link is the way back.
    assert location_path(journey.get(COMPANY)) == PERSONAL

    other = make_journey()
    response = other.get(resume_link(outbox))

    assert response.status_code == 302 and location_path(response) == COMPANY
    page = text(other.get(COMPANY))
    assert "Vous reprenez votre inscription là où vous l'aviez laissée." in page
    assert "Vérifié Le numéro SIREN 842 915 308 est valide." in page  # the Kbis is still there


def test_link_restores_the_identity_step(journey, make_journey, kbis_for, outbox):
    journey.to_identity_step(kbis_for())
    journey.resume_later(form_url=IDENTITY)

    other = make_journey()
    response = other.get(resume_link(outbox))

    assert location_path(response) == IDENTITY
    assert "Procéder à la vérification de mon identité" in text(other.get(IDENTITY))


def test_link_works_only_once(journey, make_journey, outbox):
    journey.personal()
    journey.resume_later(form_url=COMPANY)
    link = resume_link(outbox)
    assert make_journey().get(link).status_code == 302

    response = make_journey().get(link)

    assert response.status_code == 410
    page = text(response)
    assert "Lien expiré ou déjà utilisé" in page
    assert "Ce lien ne permet plus de reprendre une inscription" in page


def test_expired_link_is_refused(journey, make_journey, outbox, db):
    journey.personal()
    journey.resume_later(form_url=COMPANY)
    link = resume_link(outbox)
    registration = journey.registration()
    registration.resume_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert make_journey().get(link).status_code == 410


def test_a_new_link_replaces_the_previous_one(journey, make_journey, outbox):
    journey.personal()
    journey.resume_later(form_url=COMPANY)
    first = resume_link(outbox)
    browser = make_journey()
    browser.get(first)
    browser.resume_later(form_url=COMPANY)
    second = resume_link(outbox)

    assert second != first
    assert make_journey().get(first).status_code == 410
    assert make_journey().get(second).status_code == 302


@pytest.mark.parametrize("token", ["nope", "x" * 300])
def test_unknown_link_is_refused(client, token):
    assert client.get(f"/inscription/mandataire/reprendre/{token}").status_code == 410
