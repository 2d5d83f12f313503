"""Each page is read by the first reading that holds everything its text layer shows."""

import camelot
import pytest
from reportlab.lib.pdfencrypt import StandardEncryption

from isc.kbis import read_kbis, reader
from isc.kbis.reader import Row, rows_from_text
from tests.kbis.pdf_factory import kbis_pdf
from tests.kbis.test_reads_kbis_layouts import SEVERAL, SEVERAL_READ

TWO_PAGES = {"dirigeants": SEVERAL, "page_break_before": "Directeur général délégué"}


def test_a_page_the_first_reading_misses_is_read_again_then_from_its_text(make_kbis, monkeypatch):
    real = reader._camelot_rows
    calls = []

    def first_reading_loses_page_two(data, *, pages, options):
        calls.append(pages)
        rows = real(data, pages=pages, options=options)
        return [row for row in rows if row.page == 1] if len(calls) == 1 else rows

    monkeypatch.setattr(reader, "_camelot_rows", first_reading_loses_page_two)
    extract = read_kbis(make_kbis(**TWO_PAGES))

    assert calls == ["1,2", "2"]  # stream on both pages, then network on page 2 alone
    assert extract.reading == "stream, text"  # network merges the columns of page 2
    assert extract.dirigeants == SEVERAL_READ


def test_pages_read_in_full_are_not_read_again(make_kbis, monkeypatch):
    calls = []
    real = reader._camelot_rows

    def counted(data, **kwargs):
        calls.append(kwargs)
        return real(data, **kwargs)

    monkeypatch.setattr(reader, "_camelot_rows", counted)

    read_kbis(make_kbis(**TWO_PAGES))

    assert [call["pages"] for call in calls] == ["1,2"]


def test_the_text_layer_is_read_when_camelot_fails(make_kbis, monkeypatch):
    expected = read_kbis(make_kbis(**TWO_PAGES))

    def broken(*args, **kwargs):
        raise ValueError("unreadable")

    monkeypatch.setattr(camelot, "read_pdf", broken)
    extract = read_kbis(make_kbis(**TWO_PAGES))

    assert extract.reading == "text"
    assert (extract.siren, extract.denomination, extract.extract_date) == (
        expected.siren, expected.denomination, expected.extract_date)
    assert extract.dirigeants == SEVERAL_READ


def test_a_pdf_restricted_by_an_owner_password_is_read_by_camelot(make_kbis):
    restricted = kbis_pdf(encrypt=StandardEncryption("", ownerPassword="greffe", canCopy=0))

    extract = read_kbis(make_kbis(restricted))

    assert extract.reading == "stream"
    assert extract.siren == "842915308" and len(extract.dirigeants) == 2


@pytest.mark.parametrize("ruled", [False, True], ids=["unruled", "ruled"])
def test_camelot_reads_every_generated_page_in_full(make_kbis, ruled):
    extract = read_kbis(make_kbis(ruled=ruled, **TWO_PAGES))

    assert extract.reading == "stream"


def test_plain_text_lines_become_labels_values_headings_and_wrapped_lines():
    page_one = "\r\n".join([
        "Extrait Kbis",
        "Adresse du siège 145 avenue du Général",
        "de Gaulle 92000 Nanterre",
        "GESTION, DIRECTION, ADMINISTRATION, CONTROLE, ASSOCIES OU MEMBRES",
        "Président",
        "Nom, prénoms DUPONT Marie",
        "Domicile personnel 8 rue des Lilas",
        "Directeur général",
        "Page 1",
    ])
    page_two = "Greffe du Tribunal de Commerce de Nanterre\r\nNom, prénoms DURAND Pierre"

    assert rows_from_text([page_one, page_two]) == [[
        Row("Extrait Kbis", "", 1),
        Row("Adresse du siège", "145 avenue du Général", 1),
        Row("", "de Gaulle 92000 Nanterre", 1),
        Row("GESTION, DIRECTION, ADMINISTRATION, CONTROLE, ASSOCIES OU MEMBRES", "", 1),
        Row("Président", "", 1),
        Row("Nom, prénoms", "DUPONT Marie", 1),
        Row("Domicile personnel", "8 rue des Lilas", 1),
        Row("Directeur général", "", 1),
        Row("Page 1", "", 1),
    ], [
        Row("Greffe du Tribunal de Commerce de Nanterre", "", 2),
        Row("Nom, prénoms", "DURAND Pierre", 2),
    ]]
