"""A Kbis PDF as rows of (label, value): camelot first, the plain text layer as a fallback.

A Kbis lays out labels on the left and values on the right, usually without ruling lines.
Each page is read with the camelot readings below, in order, until one holds as much as the
page's text layer shows (`reading_score`); the plain text, split line by line on labels known
in advance, is the last resort.

Measured on the generated layouts (benchmarks/kbis_reading.py --flavors): `stream` over the
whole page reads every page in full; `network` merges the two columns on continuation pages
(their running header has a different column layout) and drops headings at the foot of a page;
`stream` with its own table detection loses the blocks under the title; `lattice` finds only
ruled layouts, `hybrid` reads some rows twice, and both render the page (~0.5 s a page).
"""

import logging
import warnings
from dataclasses import dataclass

from isc.kbis.files import CheckedPdf
from isc.kbis.vocabulary import (
    BLOCK_LABELS,
    FOLDED_LABELS,
    SECTION_MANAGEMENT,
    fold,
    is_furniture,
    section_of,
    split_label,
)

log = logging.getLogger(__name__)

# An area larger than any page: camelot then takes the whole page as one table, title included.
_WHOLE_PAGE = ["-100000,100000,100000,-100000"]
CAMELOT_READINGS = {
    "stream": {"flavor": "stream", "table_areas": _WHOLE_PAGE},
    "network": {"flavor": "network"},
}


@dataclass(frozen=True)
class Row:
    """One line of a Kbis: a label and a value; a heading has no value, a wrapped line no label."""

    label: str
    value: str
    page: int


@dataclass(frozen=True)
class PageReading:
    rows: list[Row]
    method: str  # a key of CAMELOT_READINGS, or "text"


def read_rows(pdf: CheckedPdf) -> list[PageReading]:
    """The rows of every page of `pdf`, each page read the first way that reads it in full."""
    data = pdf.unrestricted_data()
    text_pages = rows_from_text(pdf.page_texts)
    expected = [reading_score(rows) for rows in text_pages]
    readings = [PageReading(rows, "text") for rows in text_pages]  # the last resort
    for method, options in CAMELOT_READINGS.items():
        pending = [number for number, reading in enumerate(readings) if reading.method == "text"]
        if not pending:
            break
        pages = ",".join(str(number + 1) for number in pending)
        rows = _camelot_rows(data, pages=pages, options=options)
        for number in pending:
            page_rows = [row for row in rows if row.page == number + 1]
            if reading_score(page_rows) >= expected[number]:
                readings[number] = PageReading(page_rows, method)
    return readings


def reading_score(rows: list[Row]) -> int:
    """How much of a Kbis page a reading holds: section titles, labels with their value, and
    role headings in the directors' section. Page headers and footers do not count."""
    score, in_management = 0, False
    for row in rows:
        if is_furniture(row.label or row.value):
            continue
        section = section_of(row.label or row.value)
        if section is not None:
            score += 1
            in_management = section == SECTION_MANAGEMENT
        elif row.value:
            score += fold(row.label) in FOLDED_LABELS
        elif row.label:
            score += in_management
    return score


def _camelot_rows(data: bytes, *, pages: str, options: dict) -> list[Row]:
    import camelot  # ~1 s to import (pandas, OpenCV): paid only by the processes that read a Kbis

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "No tables found on page-N" and the like
            tables = camelot.read_pdf(data, pages=pages, suppress_stdout=True, **options)
    except Exception:  # camelot fails in many ways on unusual PDFs; the text layer remains
        log.warning("camelot %s could not read pages %s", options["flavor"], pages, exc_info=True)
        return []
    ordered = sorted(tables, key=lambda table: (int(table.page), -table.rows[0][0]))
    return [
        row for table in ordered for row in _table_rows(table.df.values.tolist(), int(table.page))
    ]


def _table_rows(cells: list[list[str]], page: int) -> list[Row]:
    """Rows from a table's cells: the first column is the label, the others make the value."""
    rows = []
    for line in cells:
        texts = [" ".join(str(cell).split()) for cell in line]
        if any(texts):
            rows.append(Row(texts[0], " ".join(text for text in texts[1:] if text), page))
    return rows


def rows_from_text(page_texts: list[str]) -> list[list[Row]]:
    """Rows of each page from its plain text: a line starting with a known label gives (label,
    value); another line is a wrapped value when it follows a value, unless it is a heading: a
    section title, a page header or footer, or a role (the line before a director's block)."""
    lines = [(number, " ".join(line.split())) for number, text in enumerate(page_texts, start=1)
             for line in text.splitlines() if line.strip()]
    pages: list[list[Row]] = [[] for _ in page_texts]
    previous: Row | None = None
    for index, (number, line) in enumerate(lines):
        split = split_label(line)
        if split is not None:
            row = Row(split[0], split[1], number)
        elif previous is not None and previous.value and not _is_heading(line, lines[index + 1:]):
            row = Row("", line, number)
        else:
            row = Row(line, "", number)
        pages[number - 1].append(row)
        if not is_furniture(line):
            previous = row
    return pages


def _is_heading(line: str, following: list[tuple[int, str]]) -> bool:
    if section_of(line) is not None or is_furniture(line):
        return True
    after = next((text for _, text in following if not is_furniture(text)), None)
    split = split_label(after) if after is not None else None
    return split is not None and fold(split[0]) in BLOCK_LABELS
