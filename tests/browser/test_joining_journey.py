"""A salarié asks to join their company, from the role choice to « Validation » — in a real
Chromium; the company's deciders receive the demande by e-mail."""

import re

import pytest

from isc.models import IdentifierType

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed"
).expect
pytestmark = pytest.mark.browser


@pytest.fixture
def logipro(make_company, make_user):
    company = make_company(
        identifier_type=IdentifierType.SIREN, identifier_value="842915308", name="LOGIPRO",
        head_office_address="20 avenue Charles de Gaulle, 75008 Paris",
    )
    make_user("mandataire", company=company, username="pf.durand", email="pf.durand@logipro.fr")
    make_user("representant", company=company, username="a.durand", email="a.durand@logipro.fr")
    return company


def test_salarie_finds_the_company_by_siret_and_sends_the_demande(page, logipro, outbox, tmp_path):
    page.goto("/inscription")
    page.locator("label", has_text=re.compile(r"^\s*Salarié")).click()
    expect(page.get_by_role("radio", name=re.compile(r"^Salarié"))).to_be_checked()
    page.get_by_role("button", name="Suivant").click()

    expect(page).to_have_url(re.compile(r"/inscription/salarie$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrivez-vous en tant que salarié")
    expect(page.get_by_text("Étape 2 sur 4")).to_be_visible()
    page.get_by_label("Type d'identifiant").select_option(label="SIRET (France)")
    page.get_by_role("textbox", name=re.compile(r"^Identifiant")).fill("842 915 308 00014")
    page.get_by_role("button", name="Chercher").click()

    facts = page.locator("section", has=page.get_by_role("heading", name="Informations entreprise"))
    expect(facts).to_contain_text("LOGIPRO")
    expect(facts).to_contain_text("842 915 308")
    expect(facts).to_contain_text("20 avenue Charles de Gaulle, 75008 Paris")
    page.get_by_role("link", name="Suivant").click()

    expect(page).to_have_url(re.compile(r"/inscription/salarie/informations$"))
    expect(page.get_by_text("Étape 3 sur 4")).to_be_visible()
    expect(page.get_by_text("Important à savoir")).to_be_visible()
    page.get_by_label("Nom d'utilisateur").fill("jean.dupont")
    page.get_by_label("Civilité").select_option(label="Monsieur")
    page.get_by_label("Prénom").fill("Jean")
    page.get_by_role("textbox", name="Nom *", exact=True).fill("Dupont")
    page.get_by_label("Adresse e-mail").fill("jean.dupont@logipro.fr")
    page.get_by_label("N° de téléphone direct").fill("01 23 45 67 89")
    # The first try forgets the CGU: the error is on the box, everything typed stays.
    page.get_by_role("button", name="Envoyer ma demande d'inscription").click()
    expect(page.get_by_role("alert")).to_contain_text("Vous devez accepter les conditions générales d'utilisation")
    expect(page.get_by_label("Prénom")).to_have_value("Jean")
    page.locator("label[for=accept_cgu]").click()
    expect(page.get_by_role("checkbox", name=re.compile(r"^En cochant cette case"))).to_be_checked()
    page.get_by_role("button", name="Envoyer ma demande d'inscription").click()

    expect(page).to_have_url(re.compile(r"/inscription/salarie/validation$"))
    expect(page.get_by_text("Étape 4 sur 4 : terminée")).to_be_visible()
    expect(page.get_by_role("heading", name="Votre demande d'inscription a bien été envoyée")).to_be_visible()
    expect(page.locator("main")).to_contain_text("jean.dupont@logipro.fr")
    screenshot = tmp_path / "validation.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000

    for decider in ("pf.durand@logipro.fr", "a.durand@logipro.fr"):
        message = outbox.last(decider)
        assert "Jean Dupont" in message.subject
        assert any("/demandes/" in link for link in outbox.links(message))
    assert "LOGIPRO" in outbox.last("jean.dupont@logipro.fr").text_body

    page.reload()
    expect(page.get_by_role("heading", name="Votre demande d'inscription a bien été envoyée")).to_be_visible()
    assert len(outbox.messages()) == 3


def test_unknown_company_points_to_the_mandataire_s_registration(page, logipro):
    page.goto("/inscription/representant")
    page.get_by_role("textbox", name=re.compile(r"^Identifiant")).fill("732 829 320")
    page.get_by_role("button", name="Chercher").click()

    expect(page.get_by_role("alert")).to_contain_text("Votre entreprise n'est pas inscrite sur le fournisseur d'identité")
    expect(page.get_by_role("link", name="Suivant")).to_have_count(0)
    page.get_by_role("link", name="Inscrivez-vous en tant que mandataire").click()
    expect(page).to_have_url(re.compile(r"/inscription/mandataire$"))
