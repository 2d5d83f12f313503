"""Issue #5's acceptance journey on the demo data, in a real Chromium: a salarié registers for the
demo company, its représentant validates, the salarié sets a password and signs in; the salarié
asks to change their direct phone and the représentant validates it; then the mandataire deletes
the salarié's account, who can no longer sign in."""

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from isc.demo import seed_demo
from isc.models import User, UserStatus

expect = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed"
).expect
pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo password for the browser journey"
NEW_PASSWORD = "la phrase secrète de Nadia Benali"


@pytest.fixture
def demo(app, db):
    with app.test_request_context():
        seed_demo(DEMO_PASSWORD)
    db.session.commit()


@pytest.fixture
def open_browser(chromium, live_server):
    """`open_browser()`: one more person's browser (its own cookies)."""
    contexts = []

    def open_():
        context = chromium.new_context(base_url=live_server, locale="fr-FR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(5_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def sign_in(tab, login: str, password: str = DEMO_PASSWORD):
    tab.goto("/connexion")
    tab.get_by_label("Nom d'utilisateur ou adresse e-mail").fill(login)
    tab.get_by_label("Mot de passe", exact=True).fill(password)
    tab.get_by_role("button", name="Se connecter").click()


def open_demandes(tab, kind: str):
    tab.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Vos demandes à traiter").click()
    tab.get_by_role("link", name=re.compile(rf"^Demandes {kind}")).click()


def test_salarie_joins_is_validated_changes_details_and_is_deleted(demo, db, page, open_browser, outbox):
    # 1. The salarié registers for the demo company (LOGIPRO, SIREN 842 915 308).
    page.goto("/inscription")
    page.locator("label", has_text=re.compile(r"^\s*Salarié")).click()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Type d'identifiant").select_option(label="SIREN (France)")
    page.get_by_role("textbox", name=re.compile(r"^Identifiant")).fill("842 915 308")
    page.get_by_role("button", name="Chercher").click()
    expect(page.locator("main")).to_contain_text("LOGIPRO")
    page.get_by_role("link", name="Suivant").click()
    page.get_by_label("Nom d'utilisateur").fill("nadia.benali")
    page.get_by_label("Civilité").select_option(label="Madame")
    page.get_by_label("Prénom").fill("Nadia")
    page.get_by_role("textbox", name="Nom *", exact=True).fill("Benali")
    page.get_by_label("Adresse e-mail").fill("nadia.benali@logipro.example.fr")
    page.get_by_label("N° de téléphone direct").fill("01 23 45 67 80")
    page.locator("label[for=accept_cgu]").click()
    page.get_by_role("button", name="Envoyer ma demande d'inscription").click()
    expect(page.get_by_role("heading", name="Votre demande d'inscription a bien été envoyée")).to_be_visible()

    # 2. The représentant validates it from « Vos demandes à traiter ».
    representant = open_browser()
    sign_in(representant, "demo.representant")
    open_demandes(representant, "d'inscription")
    representant.get_by_role("row", name=re.compile("Nadia Benali")).get_by_role("link").first.click()
    expect(representant.get_by_role("heading", level=1)).to_have_text("Demande d'inscription")
    representant.get_by_role("button", name="Valider l'inscription").click()
    expect(representant.get_by_role("status")).to_contain_text("Nadia Benali")

    # 3. The salarié sets a password from the e-mail and signs in.
    message = outbox.last("nadia.benali@logipro.example.fr")
    link = next(url for url in outbox.links(message) if "/mot-de-passe/definir/" in url)
    page.goto(urlsplit(link).path)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    sign_in(page, "nadia.benali", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/tableau-de-bord$"))
    expect(page.locator("main")).to_contain_text("LOGIPRO")

    # 4. The salarié asks to change their direct phone, with a comment.
    page.get_by_role("link", name="Votre compte").first.click()
    page.get_by_role("link", name="Modifier vos informations").click()
    page.get_by_label("N° de téléphone direct").fill("01 23 45 67 99")
    page.get_by_label("Commentaire").fill("Nouvelle ligne directe")
    page.get_by_role("button", name="Envoyer ma demande de modification").click()
    expect(page.locator("main")).to_contain_text("+33 1 23 45 67 99")

    # 5. The représentant validates the modification: current vs requested values, the comment.
    open_demandes(representant, "de modification")
    representant.get_by_role("row", name=re.compile("Nadia Benali")).get_by_role("link").first.click()
    expect(representant.get_by_role("heading", level=1)).to_have_text("Demande de modification")
    changes = representant.get_by_role("row", name=re.compile("N° de téléphone direct"))
    expect(changes).to_contain_text("+33 1 23 45 67 80")
    expect(changes).to_contain_text("+33 1 23 45 67 99")
    expect(representant.locator("main")).to_contain_text("Nouvelle ligne directe")
    representant.get_by_role("button", name="Valider la modification").click()
    expect(representant.get_by_role("status")).to_be_visible()
    page.goto("/compte")
    expect(page.locator("main")).to_contain_text("+33 1 23 45 67 99")

    # 6. The mandataire deletes the salarié's account: signed out at once, unable to sign in.
    mandataire = open_browser()
    sign_in(mandataire, "demo.mandataire")
    mandataire.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Vos collaborateurs").click()
    mandataire.get_by_label("Rechercher un collaborateur").fill("benali")
    mandataire.get_by_role("button", name="Rechercher").click()
    mandataire.get_by_role("link", name="Supprimer le compte de Nadia Benali").click()
    mandataire.get_by_role("button", name="Supprimer définitivement le compte").click()
    expect(mandataire.get_by_role("status").filter(has_text="Nadia Benali")).to_be_visible()
    expect(mandataire.get_by_role("table")).not_to_contain_text("nadia.benali")

    page.reload()
    expect(page).to_have_url(re.compile(r"/connexion\?next="))
    sign_in(page, "nadia.benali", NEW_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect.")
    db.session.expire_all()
    deleted = db.session.scalar(sa.select(User).where(User.status == UserStatus.DELETED))
    assert deleted.first_name == "" and "benali" not in deleted.email
