"""A mandataire deletes a salarié's account from « Vos collaborateurs » — in a real Chromium:
the salarié's open session ends and they cannot sign in again."""

import re

import pytest

from tests.conftest import DEFAULT_PASSWORD

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed"
).expect
pytestmark = pytest.mark.browser


def sign_in(tab, login: str, password: str = DEFAULT_PASSWORD) -> None:
    tab.goto("/connexion")
    tab.get_by_label("Nom d'utilisateur ou adresse e-mail").fill(login)
    tab.get_by_label("Mot de passe", exact=True).fill(password)
    tab.get_by_role("button", name="Se connecter").click()


@pytest.fixture
def other_tab(chromium, live_server):
    """A second browser (its own cookies), for the salarié."""
    context = chromium.new_context(base_url=live_server, locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(5_000)
    yield context.new_page()
    context.close()


def test_mandataire_deletes_a_salarie(page, other_tab, make_company, make_user, tmp_path):
    company = make_company(name="Laboratoires Hélianthe")
    make_user("mandataire", company=company, username="pierre.durand", first_name="Pierre", last_name="Durand",
              email="pierre.durand@helianthe.fr")
    make_user("salarie", company=company, username="alan.bruger", first_name="Alan", last_name="Bruger",
              email="alan.bruger@helianthe.fr", direct_phone="+33612345678")
    make_user("salarie", company=company, username="linda.moroux", first_name="Linda", last_name="Moroux",
              email="linda.moroux@helianthe.fr", direct_phone="+33612345679")
    sign_in(other_tab, "linda.moroux")
    expect(other_tab).to_have_url(re.compile(r"/tableau-de-bord$"))

    sign_in(page, "pierre.durand")
    expect(page).to_have_url(re.compile(r"/tableau-de-bord$"))
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Vos collaborateurs").click()

    expect(page).to_have_url(re.compile(r"/collaborateurs$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Liste des collaborateurs")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(4)  # the header and three people
    page.get_by_label("Rechercher un collaborateur").fill("moroux")
    page.get_by_role("button", name="Rechercher").click()

    expect(page).to_have_url(re.compile(r"/collaborateurs\?q=moroux$"))
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("linda.moroux@helianthe.fr")
    expect(table).not_to_contain_text("alan.bruger@helianthe.fr")
    table.get_by_role("link", name="Supprimer le compte de Linda Moroux").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Supprimer le compte de Linda Moroux")
    expect(page.locator("main")).to_contain_text("La suppression est définitive")
    page.screenshot(path=str(tmp_path / "suppression.png"), full_page=True)
    page.get_by_role("button", name="Supprimer définitivement le compte").click()

    expect(page).to_have_url(re.compile(r"/collaborateurs$"))
    expect(page.get_by_role("status").filter(has_text="Le compte de Linda Moroux a été supprimé.")).to_be_visible()
    expect(table).not_to_contain_text("linda.moroux@helianthe.fr")
    expect(table).to_contain_text("alan.bruger@helianthe.fr")

    other_tab.reload()
    expect(other_tab).to_have_url(re.compile(r"/connexion\?next="))
    sign_in(other_tab, "linda.moroux")
    expect(other_tab.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect.")
    expect(other_tab).to_have_url(re.compile(r"/connexion$"))
