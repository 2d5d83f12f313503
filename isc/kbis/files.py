"""Checks on an uploaded Kbis file before it is read: type, size, pages, encryption, text layer."""

import io
import math
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium

DEFAULT_MAX_SIZE = 5 * 1024 * 1024  # bytes
DEFAULT_MAX_PAGES = 10
CONTACT_SUPPORT = (
    "Si vous représentez une entreprise étrangère ou si vous ne disposez pas de Kbis, contactez "
    "notre service support."
)


class FileProblem(StrEnum):
    """Why a file cannot be read as a Kbis: the machine code of a `KbisFileError`."""

    EMPTY = "empty"
    NOT_PDF = "not_pdf"
    TOO_BIG = "too_big"
    TOO_MANY_PAGES = "too_many_pages"
    ENCRYPTED = "encrypted"
    DAMAGED = "damaged"
    SCANNED = "scanned"
    TIMEOUT = "timeout"  # for callers that read under a time limit


_MESSAGES = {
    FileProblem.EMPTY: "Ce fichier est vide : déposez l'extrait Kbis au format PDF.",
    FileProblem.NOT_PDF: (
        "Ce fichier n'est pas un PDF : déposez l'extrait Kbis au format PDF, tel que délivré par "
        "le greffe."
    ),
    FileProblem.TOO_BIG: "Ce fichier pèse {size} : la taille maximale est de {limit}.",
    FileProblem.TOO_MANY_PAGES: (
        "Ce document compte {pages} pages : un extrait Kbis en compte au plus {limit}. Déposez "
        "l'extrait Kbis seul."
    ),
    FileProblem.ENCRYPTED: (
        "Ce PDF est protégé par un mot de passe : déposez l'extrait Kbis sans protection, tel que "
        "délivré par le greffe."
    ),
    FileProblem.DAMAGED: (
        "Ce PDF est endommagé ou incomplet et ne peut pas être lu. Téléchargez à nouveau l'extrait "
        "Kbis, puis déposez-le."
    ),
    FileProblem.SCANNED: (
        "Ce document semble être une image scannée : il ne contient pas de texte lisible. Déposez "
        "l'extrait Kbis au format PDF d'origine, téléchargé sur infogreffe.fr ou reçu du greffe."
    ),
}


class KbisFileError(Exception):
    """The file cannot be read as a Kbis; `message` tells the person what to do, in French."""

    def __init__(self, code: FileProblem | str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _refused(code: FileProblem, **details) -> KbisFileError:
    return KbisFileError(code, _MESSAGES[code].format(**details))


@dataclass(frozen=True)
class CheckedPdf:
    """A PDF that passed the checks: its bytes and the plain text of each page."""

    data: bytes
    page_texts: list[str]
    restricted: bool  # encrypted without a password to open (permissions only)

    @property
    def page_count(self) -> int:
        return len(self.page_texts)

    def unrestricted_data(self) -> bytes:
        """The bytes, re-saved without the permission restrictions some readers honour."""
        if not self.restricted:
            return self.data
        document = pypdfium2.PdfDocument(self.data)
        try:
            buffer = io.BytesIO()
            document.save(buffer, flags=pdfium.FPDF_REMOVE_SECURITY)
            return buffer.getvalue()
        finally:
            document.close()


def validate_pdf(
    source: str | Path | bytes, *, max_size: int = DEFAULT_MAX_SIZE,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> int:
    """Check that `source` (a path or the bytes) is a readable PDF with text, within the limits
    (`max_size` in bytes); return its number of pages.

    Raises `KbisFileError` with a code and a French message for each way it can fail.
    """
    return check_pdf(source, max_size=max_size, max_pages=max_pages).page_count


def check_pdf(
    source: str | Path | bytes, *, max_size: int = DEFAULT_MAX_SIZE,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> CheckedPdf:
    """`validate_pdf`, returning the checked PDF with the plain text of its pages."""
    data = _load(source, max_size)
    if b"%PDF-" not in data[:1024]:
        raise _refused(FileProblem.NOT_PDF)
    if b"%%EOF" not in data[-2048:]:  # cut short: the end-of-file marker is missing
        raise _refused(FileProblem.DAMAGED)
    document = _open(data)
    try:
        page_count = len(document)
        if page_count == 0:
            raise _refused(FileProblem.DAMAGED)
        if page_count > max_pages:
            raise _refused(FileProblem.TOO_MANY_PAGES, pages=page_count, limit=max_pages)
        texts = _page_texts(document)
        restricted = pdfium.FPDF_GetSecurityHandlerRevision(document) != -1
    finally:
        document.close()
    if not any(text.strip() for text in texts):
        raise _refused(FileProblem.SCANNED)
    return CheckedPdf(data=data, page_texts=texts, restricted=restricted)


def _load(source: str | Path | bytes, max_size: int) -> bytes:
    """The bytes of `source`, its size checked first (a path is not read when too big)."""
    in_memory = isinstance(source, (bytes, bytearray))
    size = len(source) if in_memory else Path(source).stat().st_size
    if size == 0:
        raise _refused(FileProblem.EMPTY)
    if size > max_size:
        raise _refused(FileProblem.TOO_BIG, size=_megabytes(size), limit=_megabytes(max_size))
    return bytes(source) if in_memory else Path(source).read_bytes()


def _megabytes(size: int) -> str:
    """"5 Mo", "5,1 Mo": rounded up to a tenth, so a file over the limit never shows as equal."""
    tenths = math.ceil(size * 10 / (1024 * 1024))
    return f"{tenths // 10},{tenths % 10} Mo".replace(",0 ", " ")


def _open(data: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if error.err_code == pdfium.FPDF_ERR_PASSWORD:
            raise _refused(FileProblem.ENCRYPTED) from None
        raise _refused(FileProblem.DAMAGED) from None


def _page_texts(document: pypdfium2.PdfDocument) -> list[str]:
    texts = []
    try:
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
    except pypdfium2.PdfiumError:
        raise _refused(FileProblem.DAMAGED) from None
    return texts
