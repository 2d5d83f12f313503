"""Forgotten password, end to end: ask for a link, follow it from the development mailbox,
choose a new password, sign in with it — in a real Chromium."""

import re

import pytest

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed"
).expect
pytestmark = pytest.mark.browser

NEW_PASSWORD = "le printemps revient toujours"


def test_user_resets_a_forgotten_password_from_the_emailed_link(
    page, make_company, make_user, outbox
):
    company = make_company(name="Biotech Armor")
    user = make_user("salarie", company=company, first_name="Yann", email="yann@biotech-armor.fr")

    page.goto("/connexion")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page).to_have_url(re.compile(r"/mot-de-passe/oublie$"))
    page.get_by_label("Nom d'utilisateur ou adresse e-mail").fill("yann@biotech-armor.fr")
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    assert outbox.last(user.email).template == "password_reset"

    page.goto("/dev/mailbox")
    page.get_by_role("link", name=re.compile("Définissez un nouveau mot de passe")).first.click()
    expect(page.locator("main")).to_contain_text(f"Destinataire : {user.email}")
    with page.context.expect_page() as opened:  # the mailbox opens links in a new tab
        page.get_by_role("link", name="/mot-de-passe/definir/").click()
    page = opened.value

    expect(page).to_have_url(re.compile(r"/mot-de-passe/definir/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Définissez un nouveau mot de passe")
    page.get_by_label(re.compile(r"^Nouveau mot de passe")).fill(NEW_PASSWORD)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()

    expect(page).to_have_url(re.compile(r"/connexion$"))
    expect(page.get_by_text("Votre mot de passe est enregistré.")).to_be_visible()
    page.get_by_label("Nom d'utilisateur ou adresse e-mail").fill(user.username)
    page.get_by_label("Mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(re.compile(r"/tableau-de-bord$"))
    expect(page.locator("main")).to_contain_text("Yann")
