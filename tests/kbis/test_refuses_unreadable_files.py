"""`validate_pdf` (and so `read_kbis`) refuses files that cannot be a readable Kbis, saying why."""

import pytest

from isc.kbis import FileProblem, KbisFileError, read_kbis, validate_pdf
from isc.kbis.files import check_pdf
from tests.kbis.pdf_factory import kbis_pdf, many_pages_pdf, png_bytes, scanned_pdf


def refusal(source, **limits) -> KbisFileError:
    with pytest.raises(KbisFileError) as caught:
        validate_pdf(source, **limits)
    return caught.value


def test_a_scanned_kbis_without_text_is_refused(make_kbis):
    error = refusal(make_kbis(scanned_pdf()))

    assert error.code == FileProblem.SCANNED
    assert error.message.startswith("Ce document semble être une image scannée")


def test_a_password_protected_pdf_is_refused(make_kbis):
    error = refusal(make_kbis(kbis_pdf(encrypt="secret")))

    assert error.code == FileProblem.ENCRYPTED
    assert "protégé par un mot de passe" in error.message


@pytest.mark.parametrize("cut", [lambda data: data[: len(data) // 2], lambda data: data[:-200]],
                         ids=["half", "tail"])
def test_a_truncated_pdf_is_refused_as_damaged(make_kbis, cut):
    error = refusal(make_kbis(cut(kbis_pdf())))

    assert error.code == FileProblem.DAMAGED
    assert "endommagé ou incomplet" in error.message


def test_a_pdf_with_a_corrupt_body_is_refused_as_damaged():
    assert refusal(b"%PDF-1.4\n" + b"garbage " * 200 + b"\n%%EOF\n").code == FileProblem.DAMAGED


@pytest.mark.parametrize("content", [png_bytes(), "Extrait Kbis à jour au 12 mars 2026".encode()],
                         ids=["png", "text"])
def test_a_file_that_is_not_a_pdf_is_refused_from_its_content(make_kbis, content):
    error = refusal(make_kbis(content, name="kbis.pdf"))

    assert error.code == FileProblem.NOT_PDF
    assert error.message.startswith("Ce fichier n'est pas un PDF")


def test_an_empty_file_is_refused(make_kbis):
    assert refusal(make_kbis(b"")).code == FileProblem.EMPTY


def test_a_file_over_the_size_limit_is_refused_before_being_read(make_kbis):
    path = make_kbis(b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024))

    error = refusal(path)

    assert error.code == FileProblem.TOO_BIG
    assert error.message == "Ce fichier pèse 5,1 Mo : la taille maximale est de 5 Mo."


def test_the_size_limit_is_a_parameter():
    data = kbis_pdf()

    error = refusal(data, max_size=len(data) - 1)

    assert error.code == FileProblem.TOO_BIG
    assert validate_pdf(data, max_size=len(data)) == 1


def test_a_document_over_the_page_limit_is_refused():
    error = refusal(many_pages_pdf(11))

    assert error.code == FileProblem.TOO_MANY_PAGES
    assert error.message.startswith(
        "Ce document compte 11 pages : un extrait Kbis en compte au plus 10.")
    assert validate_pdf(many_pages_pdf(10)) == 10
    assert refusal(many_pages_pdf(3), max_pages=2).code == FileProblem.TOO_MANY_PAGES


def test_read_kbis_raises_the_same_refusals(make_kbis):
    with pytest.raises(KbisFileError) as caught:
        read_kbis(make_kbis(scanned_pdf()))

    assert caught.value.code == FileProblem.SCANNED


def test_a_kbis_passes_with_its_page_count(make_kbis):
    assert validate_pdf(make_kbis()) == 1
    assert validate_pdf(make_kbis(page_break_before="Directeur général").read_bytes()) == 2


def test_the_checked_pdf_keeps_the_text_of_each_page(make_kbis):
    checked = check_pdf(make_kbis())

    assert len(checked.page_texts) == 1
    assert "à jour au 12 mars 2026" in checked.page_texts[0]
    assert not checked.restricted
