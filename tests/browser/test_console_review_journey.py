"""An ANS agent enrols their second factor, reviews a mandataire's dossier and approves it;
the mandataire sets their password from the e-mail and signs in — in a real Chromium."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.admin import conftest as console
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser
# The console tests' factories of agents and dossiers, as fixtures of this module.
make_agent = console.make_agent
make_dossier = console.make_dossier

FIRST_PASSWORD = "une phrase de passe assez longue"


def test_agent_enrols_reviews_and_approves_then_the_mandataire_signs_in(page, make_agent, make_dossier, outbox):
    agent = make_agent("reviewer", enrolled=False, full_name="Claire Agent")
    dossier = make_dossier(first_name="Pierre-François", last_name="Durand", email="pf.durand@logipro.fr",
                           username="pf.durand")
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/connexion"))
    page.get_by_label("Adresse e-mail").fill(agent.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.get_by_alt_text("QR code d'enrôlement de la double authentification")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()

    expect(page.locator("#figure-waiting")).to_have_text("1")
    page.get_by_role("link", name="Dossiers mandataires").first.click()
    page.get_by_role("link", name="Pierre-François Durand").click()
    expect(page.locator("#consistency-checks")).to_contain_text("Conforme")
    page.get_by_role("button", name="Prendre en charge").click()
    expect(page.locator("#claim")).to_contain_text("Pris en charge par Claire Agent")
    page.get_by_label("Authenticité de la pièce d'identité transmise").check()
    page.get_by_label("Correspondance du visage avec la photo de la pièce d'identité").check()
    page.get_by_label("Cohérence des nom et prénom avec le formulaire d'inscription et le Kbis").check()
    page.get_by_role("button", name="Valider et créer le compte").click()
    expect(page.locator("#decision")).to_contain_text("Validé par Claire Agent")

    message = outbox.last("pf.durand@logipro.fr")
    link = next(url for url in outbox.links(message) if "/mot-de-passe/definir/" in url)
    page.goto(link)
    page.get_by_label(re.compile(r"^Nouveau mot de passe")).fill(FIRST_PASSWORD)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page).to_have_url(re.compile(r"/connexion$"))
    page.get_by_label("Nom d'utilisateur ou adresse e-mail").fill("pf.durand")
    page.get_by_label("Mot de passe", exact=True).fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord$"))
    assert not violations, violations
    assert dossier.id
