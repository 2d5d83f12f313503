"""Reading a Kbis extract (PDF) and checking it against the person who registers.

`validate_pdf` refuses a file that cannot be a readable Kbis (at upload), `read_kbis` checks
it again and reads its fields, `check_extract` says whether it is recent, has a valid SIREN and
names the applicant as a legal representative. Pure functions: no database, no request.
"""

from pathlib import Path

from isc.kbis.checks import CheckResult, check_extract, names_match
from isc.kbis.extract import Dirigeant, KbisExtract, extract_fields
from isc.kbis.files import (
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_SIZE,
    FileProblem,
    KbisFileError,
    check_pdf,
    validate_pdf,
)
from isc.kbis.reader import read_rows

__all__ = [
    "CheckResult", "Dirigeant", "FileProblem", "KbisExtract", "KbisFileError", "check_extract",
    "names_match", "read_kbis", "validate_pdf",
]


def read_kbis(
    source: str | Path | bytes, *, max_size: int = DEFAULT_MAX_SIZE,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> KbisExtract:
    """Read the fields of the Kbis in `source` (a path or the bytes of a PDF).

    Raises `KbisFileError` when the file cannot be read at all; what could not be read in a
    readable file is listed, in French, in the extract's `problems`.
    """
    pdf = check_pdf(source, max_size=max_size, max_pages=max_pages)
    return extract_fields(read_rows(pdf), pdf.page_texts)
