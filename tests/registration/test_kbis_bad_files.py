"""Files that cannot be a readable Kbis: each gets its own French message on étape 3, status 422,
never a 500; and a reading that takes too long is stopped."""

import time

import pytest
import sqlalchemy as sa

from isc.models.registration import KbisDocument, KbisStatus
from tests.kbis.pdf_factory import kbis_pdf, many_pages_pdf, png_bytes, scanned_pdf
from tests.portal.pages import error_of_field, text
from tests.registration.conftest import COMPANY, today_fr

FIVE_MB = 5 * 1024 * 1024


@pytest.fixture
def at_company_step(journey):
    assert journey.personal().status_code == 303
    return journey


def good_kbis() -> bytes:
    return kbis_pdf(extract_date=today_fr())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            lambda: scanned_pdf(),
            "Ce document semble être une image scannée : il ne contient pas de texte lisible.",
        ),
        (
            lambda: kbis_pdf(encrypt="secret"),
            "Ce PDF est protégé par un mot de passe : déposez l'extrait Kbis sans protection",
        ),
        (
            lambda: good_kbis()[: len(good_kbis()) // 2],
            "Ce PDF est endommagé ou incomplet et ne peut pas être lu.",
        ),
        (lambda: png_bytes(), "Ce fichier n'est pas un PDF : déposez l'extrait Kbis au format PDF"),
        (
            lambda: "Extrait Kbis à jour au 1er décembre 2026".encode(),
            "Ce fichier n'est pas un PDF",
        ),
        (lambda: b"", "Ce fichier est vide : déposez l'extrait Kbis au format PDF."),
        (
            lambda: many_pages_pdf(11),
            "Ce document compte 11 pages : un extrait Kbis en compte au plus 10.",
        ),
        (lambda: b"%PDF-1.7\n" + b"0" * FIVE_MB, "Ce fichier pèse 5,1 Mo : la taille maximale est de 5 Mo."),
    ],
    ids=["scanned", "encrypted", "truncated", "png", "text", "empty", "too-many-pages", "too-big"],
)
def test_bad_file_is_refused_with_its_own_message(at_company_step, db, data, message):
    response = at_company_step.upload(data(), "kbis.pdf")

    assert response.status_code == 422
    assert error_of_field(response, "kbis").startswith(message)
    page = text(response)
    assert "Le formulaire contient une erreur" in page
    assert "Extrait KBIS de votre entreprise *" in page  # the same page, to try again
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KbisDocument)) == 0


def test_no_file_selected(at_company_step):
    response = at_company_step.upload(None)

    assert response.status_code == 422
    assert error_of_field(response, "kbis") == "Sélectionnez le fichier PDF de votre extrait Kbis."


def test_a_body_over_the_request_limit_is_a_french_page_not_a_500(at_company_step, app):
    app.config["MAX_CONTENT_LENGTH"] = FIVE_MB + 64 * 1024

    response = at_company_step.upload(b"%PDF-1.7\n" + b"0" * (FIVE_MB + 128 * 1024))

    assert response.status_code == 413
    page = text(response)
    assert "Fichier trop volumineux" in page
    assert "Le fichier ou le formulaire envoyé dépasse la taille autorisée." in page


def test_a_rejected_file_keeps_the_previous_good_kbis(at_company_step, kbis_for):
    at_company_step.upload(kbis_for())

    response = at_company_step.upload(png_bytes(), "photo.pdf")

    assert response.status_code == 422
    assert at_company_step.registration().kbis.passed


def _slow_read(*args, **kwargs):
    time.sleep(10)


@pytest.mark.settings(KBIS_READ_TIMEOUT=0.5)
def test_a_reading_past_the_time_limit_is_stopped_and_explained(
    at_company_step, kbis_for, monkeypatch
):
    monkeypatch.setattr("isc.kbis_intake.read_kbis", _slow_read)  # the forked reader inherits it
    started = time.monotonic()

    response = at_company_step.upload(kbis_for())

    assert response.status_code == 303
    assert time.monotonic() - started < 5
    document = at_company_step.registration().kbis
    assert document.status == KbisStatus.UNREADABLE
    assert document.error.startswith("La lecture du document a pris trop de temps.")
    page_response = at_company_step.get(COMPANY)
    page = text(page_response)
    assert "Le document n'a pas pu être lu" in page
    assert (
        "La lecture du document a pris trop de temps. Vérifiez qu'il s'agit bien d'un extrait Kbis"
        in page
    )
    assert (
        "disabled"
        in page_response.get_data(as_text=True).split('form="etape-suivante"')[1].split(">")[0]
    )


def _crashing_read(*args, **kwargs):
    raise RuntimeError("reader bug")


def test_a_reader_crash_is_an_unreadable_kbis_not_a_500(at_company_step, kbis_for, monkeypatch):
    monkeypatch.setattr("isc.kbis_intake.read_kbis", _crashing_read)

    assert at_company_step.upload(kbis_for()).status_code == 303

    document = at_company_step.registration().kbis
    assert document.status == KbisStatus.UNREADABLE
    assert document.error == "Le document n'a pas pu être lu (RuntimeError)."
    assert at_company_step.get(COMPANY).status_code == 200
