"""The demo dossier's Kbis: a specimen extract laid out like the greffes' PDFs (a header, the
title with "à jour au ...", then sections of labels on the left and values on the right),
written as a plain one-page PDF.

The test suite draws its Kbis with reportlab (tests/kbis/pdf_factory.py), a test dependency
only: demo data does not justify a production dependency, and one page of text in the PDF
standard fonts (Helvetica, WinAnsi encoding) is a handful of objects. The application's own
Kbis reader reads this specimen like a greffe's extract (tests/test_demo.py checks it).
"""

import textwrap
from dataclasses import dataclass
from datetime import date

from isc.kbis.dates import format_french_date

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4, in points
MARGIN, VALUE_X, LINE_HEIGHT, SIZE = 42, 250, 13, 9
VALUE_CHARACTERS = 62  # what fits in the value column at 9 points
REGULAR, BOLD = "F1", "F2"


@dataclass(frozen=True)
class Director:
    role: str  # "Président"
    name: str  # "BERNARD Camille": last name in capitals, then first names
    birth: str  # "Le 12/04/1978 à Lyon (69)"
    address: str


@dataclass(frozen=True)
class SpecimenKbis:
    siren: str
    denomination: str
    legal_form: str
    capital: str
    address: str
    directors: tuple[Director, ...]
    activity: str
    extract_date: date
    registration_date: str = "03/10/2018"
    greffe_city: str = "Nanterre"


def specimen_kbis_pdf(kbis: SpecimenKbis) -> bytes:
    """The PDF bytes of the specimen extract."""
    return _pdf(_lines(kbis), title="Extrait Kbis")


def _rows(kbis: SpecimenKbis) -> list[tuple[str, str, str]]:
    """(kind, label, value) rows: kind is "section", "role" or "field"."""
    siren = kbis.siren
    rows = [
        ("section", "IDENTIFICATION DE LA PERSONNE MORALE", ""),
        ("field", "Immatriculation au RCS, numéro",
         f"{siren[:3]} {siren[3:6]} {siren[6:]} R.C.S. {kbis.greffe_city}"),
        ("field", "Date d'immatriculation", kbis.registration_date),
        ("field", "Dénomination ou raison sociale", kbis.denomination),
        ("field", "Forme juridique", kbis.legal_form),
        ("field", "Capital social", kbis.capital),
        ("field", "Adresse du siège", kbis.address),
        ("field", "Durée de la personne morale", "Jusqu'au 02/10/2117"),
        ("field", "Date de clôture de l'exercice social", "31 décembre"),
        ("section", "GESTION, DIRECTION, ADMINISTRATION, CONTROLE, ASSOCIES OU MEMBRES", ""),
    ]
    for director in kbis.directors:
        rows += [
            ("role", director.role, ""),
            ("field", "Nom, prénoms", director.name),
            ("field", "Date et lieu de naissance", director.birth),
            ("field", "Nationalité", "Française"),
            ("field", "Domicile personnel", director.address),
        ]
    rows += [
        ("section", "RENSEIGNEMENTS RELATIFS A L'ACTIVITE ET A L'ETABLISSEMENT PRINCIPAL", ""),
        ("field", "Adresse de l'établissement", kbis.address),
        ("field", "Activité(s) exercée(s)", kbis.activity),
        ("field", "Date de commencement d'activité", kbis.registration_date),
        ("field", "Origine du fonds ou de l'activité", "Création"),
        ("field", "Mode d'exploitation", "Exploitation directe"),
    ]
    return rows


def _lines(kbis: SpecimenKbis) -> list[tuple[float, float, str, float, str]]:
    """(x, y, font, size, text) of every line of the page."""
    top = PAGE_HEIGHT - MARGIN
    lines = [
        (MARGIN, top, REGULAR, 8, f"Greffe du Tribunal de Commerce de {kbis.greffe_city}"),
        (MARGIN, top - 11, REGULAR, 8, "Spécimen de démonstration - sans valeur"),
        (360, top, REGULAR, 8, "Code de vérification : DEMO000000"),
        (MARGIN, top - 44, REGULAR, 8, f"N° de gestion {kbis.registration_date[-4:]}B00000"),
    ]
    y = top - 90
    for text, font, size in (
        ("Extrait Kbis", BOLD, 11),
        ("EXTRAIT D'IMMATRICULATION PRINCIPALE AU REGISTRE DU COMMERCE ET DES SOCIETES", BOLD, 9),
        (f"à jour au {format_french_date(kbis.extract_date)}", REGULAR, 9),
    ):
        lines.append((_centered_x(text, size), y, font, size, text))
        y -= 14
    y -= 16
    for kind, label, value in _rows(kbis):
        if kind == "section":
            y -= LINE_HEIGHT
        lines.append((MARGIN, y, REGULAR if kind == "field" else BOLD, SIZE, label))
        for part in textwrap.wrap(value, VALUE_CHARACTERS) or [""]:
            if part:
                lines.append((VALUE_X, y, REGULAR, SIZE, part))
            y -= LINE_HEIGHT
    y -= 2 * LINE_HEIGHT
    lines.append((VALUE_X + 120, y, REGULAR, SIZE, "Le Greffier"))
    lines.append((_centered_x("FIN DE L'EXTRAIT", SIZE), y - 3 * LINE_HEIGHT, BOLD, SIZE, "FIN DE L'EXTRAIT"))
    lines.append((_centered_x("Page 1", 7), MARGIN - 12, REGULAR, 7, "Page 1"))
    return lines


def _centered_x(text: str, size: float) -> float:
    return max(MARGIN, (PAGE_WIDTH - len(text) * size * 0.55) / 2)  # Helvetica: ~0.55 em a letter


# --- A minimal PDF writer ----------------------------------------------------------------------


def _pdf(lines: list[tuple[float, float, str, float, str]], *, title: str) -> bytes:
    """One A4 page of text in Helvetica (F1) and Helvetica-Bold (F2)."""
    content = b"".join(
        b"BT /%s %g Tf %.2f %.2f Td (%s) Tj ET\n" % (font.encode(), size, x, y, _pdf_text(text))
        for x, y, font, size, text in lines
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /Font << /F1 4 0 R "
        b"/F2 5 0 R >> >> /Contents 6 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Title (%s) /Producer (ISC demo) >>" % _pdf_text(title),
    ]
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\nstartxref\n%d\n" % (len(objects) + 1, xref)
    return bytes(output) + b"%%EOF\n"


def _pdf_text(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252), with its delimiters escaped."""
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
