"""Single sign-on in a real Chromium with two demo services: signed in to one, the person
reaches the second from "Tous les services" without typing a password; signing out of ISC
signs them out of both (back-channel logout received)."""

import re

import pytest
from playwright.sync_api import expect

from isc import services
from tests.conftest import DEFAULT_PASSWORD
from tests.oidc.demo_rp import DemoService

pytestmark = pytest.mark.browser


@pytest.fixture
def user(make_user):
    return make_user("salarie", first_name="Camille", last_name="Martin", username="camille.martin")


@pytest.fixture
def demo_services(db, live_server):
    """Two demo services on loopback, registered in ISC as first-party services."""
    started = []
    for name in ("Plateforme Convergence", "Observatoire"):
        demo = DemoService(name, issuer=live_server)
        service, secret = services.create_service(**demo.registration, first_party=True)
        db.session.commit()
        started.append(demo.start(service.client_id, secret))
    yield started
    for demo in started:
        demo.stop()


def test_one_sign_in_serves_both_services_and_one_sign_out_ends_both(
    page, demo_services, user, outbox
):
    convergence, observatoire = demo_services
    sign_in_pages = []
    page.on(
        "request", lambda req: sign_in_pages.append(req.url) if "/connexion" in req.url else None
    )

    # Signed in to the first service through ISC.
    page.goto(convergence.url)
    expect(page.locator("#etat")).to_have_text("Non connecté")
    page.get_by_role("link", name="Se connecter avec ISC").click()
    expect(page).to_have_url(re.compile(r"/connexion\?next="))
    page.get_by_label("Nom d'utilisateur ou adresse e-mail").fill(user.username)
    page.get_by_label("Mot de passe", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(convergence.url + "/")
    expect(page.locator("#etat")).to_have_text("Connecté en tant que Camille Martin")
    assert len([url for url in sign_in_pages if "next=" in url]) >= 1
    sign_in_pages.clear()

    # The second service, from "Tous les services", without a password.
    page.goto("/services")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tous les services")
    page.get_by_role("link", name="Accéder à Observatoire").click()
    expect(page).to_have_url(observatoire.url + "/")
    expect(page.locator("#etat")).to_have_text("Connecté en tant que Camille Martin")
    assert sign_in_pages == [], "the second service must not ask for the password"
    page.goto("/services")
    used = page.locator("main").inner_text().split("Les services accessibles")[0]
    assert "Plateforme Convergence" in used and "Observatoire" in used

    # Signing out of ISC signs out of both services.
    page.goto("/tableau-de-bord")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    outbox.run_jobs()  # RQ mode: the worker's part; inline, already done
    assert len(convergence.logout_tokens) == 1 and len(observatoire.logout_tokens) == 1
    assert convergence.logout_tokens[0]["sub"] == user.public_id
    assert convergence.logout_tokens[0]["sid"] == observatoire.logout_tokens[0]["sid"]
    page.goto(convergence.url)
    expect(page.locator("#etat")).to_have_text("Non connecté")
    page.goto(observatoire.url)
    expect(page.locator("#etat")).to_have_text("Non connecté")


def test_signing_out_from_a_service_ends_the_isc_session_and_returns(
    page, demo_services, user, outbox
):
    convergence, observatoire = demo_services
    page.goto(convergence.url + "/login")
    page.get_by_label("Nom d'utilisateur ou adresse e-mail").fill(user.username)
    page.get_by_label("Mot de passe", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#etat")).to_have_text("Connecté en tant que Camille Martin")
    page.goto(observatoire.url + "/login")
    expect(page.locator("#etat")).to_have_text("Connecté en tant que Camille Martin")

    page.goto(convergence.url)
    page.get_by_role("link", name="Se déconnecter de Plateforme Convergence").click()

    expect(page).to_have_url(re.compile(re.escape(convergence.url) + r"/\?state="))
    expect(page.locator("#etat")).to_have_text("Non connecté")
    outbox.run_jobs()
    page.goto(observatoire.url)
    expect(page.locator("#etat")).to_have_text("Non connecté")
    page.goto("/tableau-de-bord")
    expect(page).to_have_url(re.compile(r"/connexion"))
