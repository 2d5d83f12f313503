"""Generated Kbis extracts (reportlab), laid out like the greffes' PDFs, and bad files.

`kbis_pdf(...)` draws a Kbis from a `KbisSpec`: a header with the greffe, a verification code
and a QR code, the title lines with "à jour au ...", then sections of labels on the left and
values on the right (wrapped when long), unruled by default or ruled (`ruled=True`).
"""

import io
from dataclasses import dataclass, field, replace

import segno
from PIL import Image, ImageDraw
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 42
LABEL_X = MARGIN
VALUE_X = 250
VALUE_WIDTH = PAGE_WIDTH - VALUE_X - MARGIN
LINE_HEIGHT = 13
FONT, BOLD, SIZE = "Helvetica", "Helvetica-Bold", 9


@dataclass(frozen=True)
class Dirigeant:
    """One block of the GESTION, DIRECTION ... section: a person, or a legal person."""

    role: str
    name: str  # "DUPONT Marie Claire" for a person, the name of a legal person
    legal_person: bool = False
    birth: str = "Le 12/04/1975 à Lyon (69)"
    nationality: str = "Française"
    address: str = "8 rue des Lilas 75011 Paris"
    usage_name: str = ""


SAS_DIRIGEANTS = (
    Dirigeant("Président", "DUPONT Marie Claire"),
    Dirigeant("Directeur général", "DURAND Pierre François Marie",
              birth="Le 03/08/1969 à Nancy (54)"),
)


@dataclass(frozen=True)
class KbisSpec:
    """What a generated Kbis says, and how it is drawn."""

    siren: str = "842915308"
    greffe_city: str = "Nanterre"
    extract_date: str = "12 mars 2026"  # as printed after "à jour au"
    registration_date: str = "03/10/2018"
    denomination: str = "SANTÉ INDUSTRIE CONSEIL"
    sigle: str = "SIC"
    legal_form: str = "Société par actions simplifiée"
    capital: str = "10 000,00 Euros"
    address: str = "12 rue de la Paix 92000 Nanterre"
    dirigeants: tuple[Dirigeant, ...] = SAS_DIRIGEANTS
    activity: str = "Conseil en affaires réglementaires pour les industries de santé."
    ruled: bool = False  # draw a grid around every label/value row
    page_break_before: str | None = None  # the first row (label or heading) starting page 2
    extra_pages: int = 0  # blank-ish pages appended (annexes)
    vector_qr: bool = False  # draw the QR code as vector squares rather than as a picture
    title: tuple[str, ...] = field(default=(
        "Extrait Kbis",
        "EXTRAIT D'IMMATRICULATION PRINCIPALE AU REGISTRE DU COMMERCE ET DES SOCIETES",
    ))

    @property
    def rcs_number(self) -> str:
        s = self.siren
        return f"{s[:3]} {s[3:6]} {s[6:]} R.C.S. {self.greffe_city}"


def kbis_pdf(spec: KbisSpec | None = None, *, encrypt: str | None = None, **changes) -> bytes:
    """The PDF bytes of a Kbis; `changes` override fields of `spec` (or of the default one)."""
    spec = replace(spec or KbisSpec(), **changes)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    pdf.setTitle("Extrait Kbis")
    _Writer(pdf, spec).draw()
    pdf.save()
    return buffer.getvalue()


def _rows(spec: KbisSpec) -> list[tuple[str, str, str]]:
    """(kind, label, value) rows: kind is "section", "role" or "field"."""
    rows = [
        ("section", "IDENTIFICATION DE LA PERSONNE MORALE", ""),
        ("field", "Immatriculation au RCS, numéro", spec.rcs_number),
        ("field", "Date d'immatriculation", spec.registration_date),
        ("field", "Dénomination ou raison sociale", spec.denomination),
    ]
    if spec.sigle:
        rows.append(("field", "Sigle", spec.sigle))
    rows += [
        ("field", "Forme juridique", spec.legal_form),
        ("field", "Capital social", spec.capital),
        ("field", "Adresse du siège", spec.address),
        ("field", "Durée de la personne morale", "Jusqu'au 02/10/2117"),
        ("field", "Date de clôture de l'exercice social", "31 décembre"),
        ("section", "GESTION, DIRECTION, ADMINISTRATION, CONTROLE, ASSOCIES OU MEMBRES", ""),
    ]
    for person in spec.dirigeants:
        rows.append(("role", person.role, ""))
        if person.legal_person:
            rows += [("field", "Dénomination", person.name), ("field", "Adresse", person.address)]
            continue
        rows.append(("field", "Nom, prénoms", person.name))
        if person.usage_name:
            rows.append(("field", "Nom d'usage", person.usage_name))
        rows += [
            ("field", "Date et lieu de naissance", person.birth),
            ("field", "Nationalité", person.nationality),
            ("field", "Domicile personnel", person.address),
        ]
    rows += [
        ("section", "RENSEIGNEMENTS RELATIFS A L'ACTIVITE ET A L'ETABLISSEMENT PRINCIPAL", ""),
        ("field", "Adresse de l'établissement", spec.address),
        ("field", "Activité(s) exercée(s)", spec.activity),
        ("field", "Date de commencement d'activité", spec.registration_date),
        ("field", "Origine du fonds ou de l'activité", "Création"),
        ("field", "Mode d'exploitation", "Exploitation directe"),
    ]
    return rows


class _Writer:
    def __init__(self, pdf: canvas.Canvas, spec: KbisSpec):
        self.pdf, self.spec = pdf, spec
        self.page = 1
        self.y = 0.0

    def draw(self) -> None:
        self._first_page_header()
        for kind, label, value in _rows(self.spec):
            if self.spec.page_break_before in (label, value) and self.page == 1:
                self._new_page()
            self._row(kind, label, value)
        self._closing()
        for _ in range(self.spec.extra_pages):
            self._new_page()
            self._text(LABEL_X, self.y, "Annexe : dépôts d'actes", BOLD)

    def _first_page_header(self) -> None:
        spec, top = self.spec, PAGE_HEIGHT - MARGIN
        for i, line in enumerate((f"Greffe du Tribunal de Commerce de {spec.greffe_city}",
                                  "4 rue Pablo Neruda", "92020 Nanterre Cedex")):
            self._text(LABEL_X, top - i * 11, line, size=8)
        self._text(360, top, "Code de vérification : 7Kq4pZ2sWe", size=8)
        self._text(360, top - 11, "https://www.infogreffe.fr/controle", size=8)
        self._text(LABEL_X, top - 44, f"N° de gestion {spec.registration_date[-4:]}B01234", size=8)
        self._qr_code("https://www.infogreffe.fr/controle/7Kq4pZ2sWe", PAGE_WIDTH - MARGIN - 60,
                      top - 110)
        y = top - 90
        for i, line in enumerate(spec.title):
            self._centered(y - i * 14, line, BOLD, 11 if i == 0 else 9)
        self._centered(y - len(spec.title) * 14, f"à jour au {spec.extract_date}", FONT, 9)
        self.y = y - len(spec.title) * 14 - 30

    def _qr_code(self, content: str, x: float, y: float) -> None:
        if self.spec.vector_qr:
            drawing = Drawing(60, 60)
            drawing.add(QrCodeWidget(content))
            renderPDF.draw(drawing, self.pdf, x, y)
            return
        png = io.BytesIO()
        segno.make(content, error="m").save(png, kind="png", scale=4)
        png.seek(0)
        self.pdf.drawImage(ImageReader(png), x, y, 60, 60)

    def _row(self, kind: str, label: str, value: str) -> None:
        lines = simpleSplit(value, FONT, SIZE, VALUE_WIDTH) if value else [""]
        gap = LINE_HEIGHT if kind == "section" else 0
        if self.y - gap - len(lines) * LINE_HEIGHT < MARGIN + 30:
            self._new_page()
        self.y -= gap
        if kind == "section":
            self._text(LABEL_X, self.y, label, BOLD)
        elif kind == "role":
            self._text(LABEL_X, self.y, label, BOLD)
        else:
            self._text(LABEL_X, self.y, label)
            for i, line in enumerate(lines):
                self._text(VALUE_X, self.y - i * LINE_HEIGHT, line)
        if self.spec.ruled and kind != "section":
            self._grid(len(lines), split=kind == "field")
        self.y -= len(lines) * LINE_HEIGHT

    def _grid(self, line_count: int, split: bool) -> None:
        top, bottom = self.y + LINE_HEIGHT - 3, self.y - (line_count - 1) * LINE_HEIGHT - 4
        right = PAGE_WIDTH - MARGIN
        self.pdf.setLineWidth(0.6)
        self.pdf.rect(LABEL_X - 4, bottom, right - LABEL_X + 4, top - bottom)
        if split:
            self.pdf.line(VALUE_X - 6, bottom, VALUE_X - 6, top)

    def _closing(self) -> None:
        self.y -= 2 * LINE_HEIGHT
        self._text(VALUE_X + 120, self.y, "Le Greffier")
        self._centered(self.y - 3 * LINE_HEIGHT, "FIN DE L'EXTRAIT", BOLD, SIZE)
        self._footer()

    def _new_page(self) -> None:
        self._footer()
        self.pdf.showPage()
        self.page += 1
        top = PAGE_HEIGHT - MARGIN
        greffe = f"Greffe du Tribunal de Commerce de {self.spec.greffe_city}"
        self._text(LABEL_X, top, greffe, size=8)
        self._text(360, top, self.spec.rcs_number, size=8)
        self.y = top - 40

    def _footer(self) -> None:
        self._centered(MARGIN - 12, f"Page {self.page}", FONT, 7)

    def _text(self, x: float, y: float, text: str, font: str = FONT, size: float = SIZE) -> None:
        self.pdf.setFont(font, size)
        self.pdf.drawString(x, y, text)

    def _centered(self, y: float, text: str, font: str, size: float) -> None:
        self.pdf.setFont(font, size)
        self.pdf.drawCentredString(PAGE_WIDTH / 2, y, text)


# --- Bad files ----------------------------------------------------------------------------------


def scanned_pdf() -> bytes:
    """A Kbis "scanned": one page holding only a picture of text, no text layer."""
    picture = Image.new("L", (1240, 1754), 255)
    pen = ImageDraw.Draw(picture)
    lines = ("Extrait Kbis", "à jour au 12 mars 2026", "Nom, prénoms  DUPONT Marie")
    for i, line in enumerate(lines):
        pen.text((120, 200 + 60 * i), line, fill=0)
    png = io.BytesIO()
    picture.save(png, format="PNG")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawImage(ImageReader(io.BytesIO(png.getvalue())), 0, 0, PAGE_WIDTH, PAGE_HEIGHT)
    pdf.save()
    return buffer.getvalue()


def png_bytes() -> bytes:
    """A small PNG picture (to be renamed .pdf)."""
    png = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(png, format="PNG")
    return png.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    """A text PDF with `pages` pages."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        pdf.drawString(MARGIN, PAGE_HEIGHT - MARGIN, f"Page {number}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
