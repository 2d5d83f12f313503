"""A mandataire registers in a real Chromium, from the role choice to « Vérification de votre
identité terminée », through the partner's stand-in; the dossier then waits for ANS review.

Set ISC_SCREENSHOTS=<folder> to keep a screenshot of each screen there."""

import base64
import os
import re
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from isc.kbis.dates import format_french_date
from isc.models.registration import Registration, RegistrationStatus
from tests.kbis.pdf_factory import kbis_pdf

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _reader_imported():
    """The forked Kbis readers inherit camelot instead of importing it (~1 s) each time."""
    import camelot  # noqa: F401


@pytest.fixture
def shoot(tmp_path):
    """`shoot(page, name)`: a full-page screenshot, kept in ISC_SCREENSHOTS when set."""
    folder = Path(os.environ.get("ISC_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        path = folder / f"mandataire-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000

    return take


@pytest.fixture
def until(outbox):
    """`until(page, text)`: run the queued jobs (RQ) until `text` shows on `page`."""

    def wait(page, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not page.get_by_text(text, exact=False).count():
            assert time.monotonic() < deadline, f"{text!r} never showed on {page.url}"
            outbox.run_jobs()
            page.wait_for_timeout(150)

    return wait


def kbis_file() -> dict:
    data = kbis_pdf(extract_date=format_french_date(date.today()))
    return {"name": "2026.12.01_Kbis.pdf", "mimeType": "application/pdf", "buffer": data}


def test_mandataire_registers_up_to_the_identity_check(page, live_server, db, shoot, until):
    # Étape 1: the role.
    page.goto("/inscription")
    role_id = page.locator('input[name="role"][value="mandataire"]').get_attribute("id")
    page.locator(f'label[for="{role_id}"]').click()
    shoot(page, "1-role")
    page.get_by_role("button", name="Suivant").click()

    # Étape 2: personal information.
    expect(page).to_have_url(re.compile(r"/inscription/mandataire$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Inscrivez-vous en tant que mandataire"
    )
    expect(page.locator(".fr-stepper__state")).to_have_text("Étape 2 sur 4")
    page.get_by_label(re.compile(r"^Nom d'utilisateur \*")).fill("pdurand")
    page.get_by_label(re.compile(r"^Civilité \*")).select_option("monsieur")
    page.get_by_label(re.compile(r"^Prénom \*")).fill("Pierre")
    page.get_by_label(re.compile(r"^Nom \*")).fill("Durand")
    page.get_by_label(re.compile(r"^Adresse e-mail \*")).fill("pierre.durand@sante-industrie.fr")
    page.get_by_label(re.compile(r"^N° de téléphone \*")).fill("01 23 45 67 89")
    page.locator('label[for="accept_cgu"]').click(position={"x": 5, "y": 10})
    expect(page.locator("#accept_cgu")).to_be_checked()
    expect(page.get_by_role("link", name="voir les CGU")).to_have_attribute("href", "/cgu")
    shoot(page, "2-personal")
    page.get_by_role("button", name="Suivant").click()

    # Étape 3: the Kbis, by the file picker, then « Vérifier le document ».
    expect(page).to_have_url(re.compile(r"/inscription/mandataire/entreprise$"))
    expect(page.locator(".fr-stepper__state")).to_have_text("Étape 3 sur 4")
    expect(page.get_by_text("Glissez-déposez votre fichier PDF ici")).to_be_visible()
    expect(page.get_by_role("button", name="Suivant")).to_be_disabled()
    page.get_by_label(re.compile(r"^Extrait KBIS de votre entreprise")).set_input_files(kbis_file())
    expect(page.get_by_text("Fichier sélectionné : 2026.12.01_Kbis.pdf")).to_be_visible()
    shoot(page, "3-company")
    page.get_by_role("button", name="Vérifier le document").click()
    if page.get_by_text("Vérification du document en cours").count():  # RQ: the job is queued
        shoot(page, "3b-reading")
    # poll.js reloads the page once the reading job is done
    until(page, "Informations issues du Kbis")
    facts = page.locator(".isc-kbis-facts")
    expect(facts).to_contain_text("842 915 308")
    expect(facts).to_contain_text("SANTÉ INDUSTRIE CONSEIL")
    expect(facts).to_contain_text("12 rue de la Paix 92000 Nanterre")
    expect(page.locator(".isc-checks .fr-badge--success")).to_have_count(3)
    suivant = page.get_by_role("button", name="Suivant")
    expect(suivant).to_be_enabled()
    shoot(page, "4-company-checked")
    suivant.click()

    # Étape 4: consent, then the partner.
    expect(page).to_have_url(re.compile(r"/inscription/mandataire/identite$"))
    expect(page.locator(".fr-stepper__state")).to_have_text("Étape 4 sur 4")
    expect(page.get_by_text("Important à savoir")).to_be_visible()
    page.locator('label[for="consent"]').click(position={"x": 5, "y": 10})
    expect(page.locator("#consent")).to_be_checked()
    shoot(page, "5-identity")
    page.get_by_role("button", name="Procéder à la vérification de mon identité").click()

    expect(page).to_have_url(re.compile(r"/_partenaire/ubble/parcours/"))
    expect(page.get_by_text("Poursuivez sur votre téléphone mobile")).to_be_visible()
    shoot(page, "6-partner")

    # Meanwhile, ISC's own page follows the check (as in the guide, on the computer).
    follower = page.context.new_page()
    follower.goto("/inscription/mandataire/verification")
    expect(follower.get_by_text("Suivez les instructions sur votre mobile")).to_be_visible()
    expect(
        follower.get_by_text("Ne fermez pas et ne rechargez pas cette page pour pouvoir continuer")
    ).to_be_visible()
    shoot(follower, "7-waiting")

    page.get_by_role("button", name="Valider la vérification").click()

    expect(page).to_have_url(re.compile(r"/inscription/mandataire/verification\?"))
    until(page, "Vérification de votre identité terminée")
    expect(
        page.get_by_text("Une vérification est en cours de finalisation.", exact=False)
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Retourner à la page d'accueil du fournisseur d'identité")
    ).to_be_visible()
    shoot(page, "8-done")
    # The waiting page changed by itself (poll.js), without anyone reloading it.
    expect(follower.get_by_text("Vérification de votre identité terminée")).to_be_visible(
        timeout=10_000
    )

    db.session.rollback()
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.username == "pdurand")
    )
    assert registration.status == RegistrationStatus.IN_REVIEW
    assert registration.kbis.passed and registration.kbis.extract["siren"] == "842915308"
    assert registration.identity_check.partner_status == "approved"
    assert registration.identity_check.document_type == "ID"
    assert registration.identity_check.last_name == "DURAND"


def test_a_pdf_dropped_on_the_zone_is_the_one_sent(page, live_server, outbox):
    page.goto("/inscription/mandataire")
    page.get_by_label(re.compile(r"^Nom d'utilisateur \*")).fill("pdurand")
    page.get_by_label(re.compile(r"^Civilité \*")).select_option("monsieur")
    page.get_by_label(re.compile(r"^Prénom \*")).fill("Pierre")
    page.get_by_label(re.compile(r"^Nom \*")).fill("Durand")
    page.get_by_label(re.compile(r"^Adresse e-mail \*")).fill("pierre.durand@sante-industrie.fr")
    page.get_by_label(re.compile(r"^N° de téléphone \*")).fill("0123456789")
    page.locator('label[for="accept_cgu"]').click(position={"x": 5, "y": 10})
    page.get_by_role("button", name="Suivant").click()
    expect(page).to_have_url(re.compile(r"/entreprise$"))
    # The URL changes before the page's deferred script has bound the zone: drop after it ran.
    page.wait_for_load_state("domcontentloaded")

    page.evaluate(
        """([name, data]) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: "application/pdf"}));
            const zone = document.querySelector("[data-isc-dropzone]");
            zone.dispatchEvent(new DragEvent("dragenter", {dataTransfer: transfer, bubbles: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
        }""",
        ["depose.pdf", base64.b64encode(kbis_file()["buffer"]).decode()],
    )

    expect(page.get_by_text("Fichier sélectionné : depose.pdf")).to_be_visible()
    expect(page.locator("[data-isc-dropzone]")).not_to_have_class(re.compile("isc-dropzone--over"))
    page.get_by_role("button", name="Vérifier le document").click()
    deadline = time.monotonic() + 20
    while not page.get_by_text("Informations issues du Kbis").count():
        assert time.monotonic() < deadline
        outbox.run_jobs()
        page.wait_for_timeout(150)
    expect(page.get_by_text("depose.pdf (1 page)")).to_be_visible()
