"""What a Kbis says: its section titles, field labels and directors' roles, compared folded."""

import re
import unicodedata
from functools import lru_cache


def fold(text: str) -> str:
    """Lower case, no accents, typographic apostrophes and dashes made plain, spaces collapsed."""
    return _fold_line(text) if len(text) <= 200 else _fold(text)


@lru_cache(maxsize=4096)  # the same labels and lines are folded over and over
def _fold_line(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_PLAIN_PUNCTUATION).casefold()
    return " ".join(text.replace(".", "").split()).rstrip(" :")


_PLAIN_PUNCTUATION = str.maketrans({
    "’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-", "—": "-",
})

# Section titles: a row starting with one of these opens the section.
SECTION_IDENTIFICATION = "identification"
SECTION_MANAGEMENT = "gestion"
SECTION_ACTIVITY = "renseignements"
SECTION_PREFIXES = {
    "identification de la personne": SECTION_IDENTIFICATION,
    "gestion, direction": SECTION_MANAGEMENT,
    "renseignements relatifs a l'activite": SECTION_ACTIVITY,
}

# The company's fields read from the IDENTIFICATION section, by folded label.
COMPANY_FIELDS = {
    "immatriculation au rcs, numero": "rcs_number",
    "immatriculation au rcs": "rcs_number",
    "date d'immatriculation": "registration_date",
    "denomination ou raison sociale": "denomination",
    "raison sociale": "denomination",
    "denomination": "denomination",
    "forme juridique": "legal_form",
    "adresse du siege": "head_office_address",
    "adresse du siege social": "head_office_address",
}

# Labels that start a director's block: a person's names, or a legal person's name.
PERSON_LABELS = ("nom, prenoms", "nom prenoms", "nom, prenom")
LEGAL_PERSON_LABELS = ("denomination",)
BLOCK_LABELS = PERSON_LABELS + LEGAL_PERSON_LABELS
USAGE_NAME_LABELS = ("nom d'usage",)

# Every label a Kbis prints with a value on the same line, as printed (longest first matters
# when a line of plain text is split into label and value).
KNOWN_LABELS = tuple(sorted((
    "Immatriculation au RCS, numéro", "Date d'immatriculation", "Dénomination ou raison sociale",
    "Sigle", "Nom commercial", "Forme juridique", "Capital social", "Capital variable",
    "Adresse du siège", "Durée de la personne morale", "Date de clôture de l'exercice social",
    "Date de clôture du 1er exercice social", "Nom, prénoms", "Nom d'usage", "Dénomination",
    "Date et lieu de naissance", "Nationalité", "Domicile personnel", "Adresse",
    "Adresse de l'établissement", "Activité(s) exercée(s)", "Date de commencement d'activité",
    "Origine du fonds ou de l'activité", "Mode d'exploitation", "Enseigne",
), key=len, reverse=True))
FOLDED_LABELS = frozenset(fold(label) for label in KNOWN_LABELS)

# Roles that make a person a legal representative of the company (mandataire social). A role
# such as "Président du conseil de surveillance" or "Commissaire aux comptes" is not one.
LEGAL_REPRESENTATIVE_ROLES = frozenset(fold(role) for role in (
    "Président", "Président de SAS", "Président de la SAS", "Directeur général",
    "Directeur général délégué", "Directeur général unique", "Président-directeur général",
    "Président directeur général", "PDG", "Président du conseil d'administration",
    "Président du directoire", "Gérant", "Co-gérant", "Cogérant", "Gérant associé",
    "Gérant non associé", "Associé gérant", "Gérant associé unique", "Associé unique gérant",
))

# Lines that every page repeats (header, footer): never a role or part of a value.
_FURNITURE = re.compile(
    r"^(greffe du tribunal|page \d+(\s*(/|sur)\s*\d+)?$|le greffier|fin de l'extrait)"
)


def section_of(text: str) -> str | None:
    """The section a title row opens, or None when the row is not a section title."""
    folded = fold(text)
    for prefix, section in SECTION_PREFIXES.items():
        if folded.startswith(prefix):
            return section
    return None


def is_furniture(text: str) -> bool:
    """True for the page header and footer lines a greffe repeats on every page."""
    return bool(_FURNITURE.match(fold(text)))


def is_legal_representative(role: str) -> bool:
    """True when one of the functions in `role` ("Administrateur et Président ...") represents."""
    parts = re.split(r",|;| et |/", fold(role))
    return any(part.strip() in LEGAL_REPRESENTATIVE_ROLES for part in parts)


def split_label(line: str) -> tuple[str, str] | None:
    """(label, value) when a line of plain text starts with a known label, else None."""
    folded_line = fold(line)
    for folded, words in _SPLITTABLE_LABELS:
        if folded_line == folded or folded_line.startswith(folded + " "):
            parts = line.split(None, words)
            value = parts[words] if len(parts) > words else ""
            return " ".join(parts[:words]).rstrip(" :"), value.lstrip(" :")
    return None


_SPLITTABLE_LABELS = tuple((fold(label), len(label.split())) for label in KNOWN_LABELS)
