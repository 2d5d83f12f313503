"""A company user signs in, sees their dashboard, and signs out — in a real Chromium."""

import re

import pytest

from tests.conftest import DEFAULT_PASSWORD

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed"
).expect
pytestmark = pytest.mark.browser


def test_user_signs_in_sees_dashboard_and_signs_out(page, make_company, make_user, tmp_path):
    company = make_company(name="Laboratoires Hélianthe")
    make_user(
        "mandataire",
        company=company,
        username="aurelie.durand",
        first_name="Aurélie",
        last_name="Durand",
        email="aurelie.durand@helianthe.fr",
    )

    page.goto("/")
    page.get_by_role("link", name="Se connecter").first.click()
    expect(page).to_have_url(re.compile(r"/connexion$"))
    page.get_by_label("Nom d'utilisateur ou adresse e-mail").fill("Aurelie.Durand")
    page.get_by_label("Mot de passe", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(re.compile(r"/tableau-de-bord$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Votre tableau de bord")
    expect(page.locator("main")).to_contain_text("Aurélie")
    expect(page.locator("main")).to_contain_text("Laboratoires Hélianthe")
    screenshot = tmp_path / "tableau-de-bord.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000

    page.get_by_role("button", name="Se déconnecter").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    page.goto("/tableau-de-bord")
    expect(page).to_have_url(re.compile(r"/connexion\?next="))


def test_wrong_password_shows_the_french_error_next_to_the_field(page, make_user):
    user = make_user()

    page.goto("/connexion")
    page.get_by_label("Nom d'utilisateur ou adresse e-mail").fill(user.username)
    page.get_by_label("Mot de passe", exact=True).fill("pas le bon mot de passe")
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect.")
    expect(page.get_by_label("Mot de passe", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Nom d'utilisateur ou adresse e-mail")).to_have_value(user.username)
