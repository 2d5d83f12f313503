"""A représentant validates a salarié's registration from « Vos demandes à traiter », then the
salarié sets a password from the e-mail and signs in — in a real Chromium."""

import re
from urllib.parse import urlsplit

import pytest

from isc import membership
from isc.models import Role
from tests.conftest import DEFAULT_PASSWORD

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed"
).expect
pytestmark = pytest.mark.browser

FIRST_PASSWORD = "ma toute première phrase secrète"


@pytest.fixture
def registration(app, db, make_company, make_user):
    company = make_company(name="Laboratoires Hélianthe")
    make_user("representant", company=company, username="remi.bernard", first_name="Rémi", last_name="Bernard")
    with app.test_request_context():
        demande = membership.request_registration(company, Role.SALARIE, {
            "username": "paul.clerand", "civility": "monsieur", "first_name": "Paul", "last_name": "Clerand",
            "email": "paul.clerand@helianthe.fr", "direct_phone": "01 23 45 67 89", "phone": "",
        }, "v1")
    db.session.commit()
    return demande


def sign_in(page, login: str, password: str):
    page.goto("/connexion")
    page.get_by_label("Nom d'utilisateur ou adresse e-mail").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord$"))


def test_representant_validates_a_registration_and_the_salarie_signs_in(
    page, registration, outbox, chromium, live_server, tmp_path,
):
    sign_in(page, "remi.bernard", DEFAULT_PASSWORD)
    expect(page.locator("main")).to_contain_text("Demandes d'inscription (1)")

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Vos demandes à traiter").click()
    expect(page).to_have_url(re.compile(r"/demandes$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos demandes à traiter")
    expect(page.get_by_role("row", name=re.compile("Paul Clerand"))).to_contain_text("À traiter")
    page.get_by_role("link", name=re.compile("Valider l'inscription")).click()

    expect(page).to_have_url(re.compile(rf"/demandes/{registration.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande d'inscription")
    expect(page.locator("main")).to_contain_text("paul.clerand@helianthe.fr")
    screenshot = tmp_path / "detail-demande.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    page.get_by_role("button", name="Valider l'inscription").click()

    expect(page).to_have_url(re.compile(r"/demandes\?type=inscription$"))
    expect(page.get_by_role("status")).to_contain_text("Vous avez validé l'inscription de Paul Clerand")
    expect(page.locator("main")).to_contain_text("Demandes d'inscription (0)")
    message = outbox.last("paul.clerand@helianthe.fr")
    assert message.template == "password_setup"
    link = next(url for url in outbox.links(message) if "/mot-de-passe/definir/" in url)
    assert link.startswith(live_server)

    newcomer = chromium.new_context(base_url=live_server, locale="fr-FR")
    try:
        tab = newcomer.new_page()
        tab.goto(urlsplit(link).path)
        tab.get_by_label("Nouveau mot de passe", exact=True).fill(FIRST_PASSWORD)
        tab.get_by_label("Confirmez le nouveau mot de passe").fill(FIRST_PASSWORD)
        tab.get_by_role("button", name="Enregistrer le mot de passe").click()
        expect(tab).to_have_url(re.compile(r"/connexion$"))
        sign_in(tab, "paul.clerand", FIRST_PASSWORD)
        expect(tab.locator("main")).to_contain_text("Paul")
        expect(tab.locator("main")).not_to_contain_text("Vos demandes à traiter")
    finally:
        newcomer.close()
