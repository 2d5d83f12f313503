"""The fields of a Kbis, from its rows: company identity, "à jour au" date, directors."""

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from isc.kbis.dates import parse_french_date
from isc.kbis.reader import PageReading, Row
from isc.kbis.vocabulary import (
    COMPANY_FIELDS,
    FOLDED_LABELS,
    LEGAL_PERSON_LABELS,
    PERSON_LABELS,
    SECTION_IDENTIFICATION,
    SECTION_MANAGEMENT,
    USAGE_NAME_LABELS,
    fold,
    is_furniture,
    section_of,
)


@dataclass
class Dirigeant:
    """A block of the GESTION, DIRECTION ... section: a person, or a legal person (its name as
    `last_name`, no first names)."""

    role: str
    last_name: str
    first_names: str
    legal_person: bool = False
    usage_name: str = ""  # "Nom d'usage", when the Kbis gives one


@dataclass
class KbisExtract:
    """What could be read from a Kbis; `problems` says, in French, what could not."""

    siren: str | None = None  # 9 digits, as printed (validity is a check, not a reading)
    denomination: str | None = None
    legal_form: str | None = None
    head_office_address: str | None = None
    registration_date: date | None = None
    extract_date: date | None = None  # the "à jour au" date
    dirigeants: list[Dirigeant] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    reading: str = ""  # how the pages were read: "stream", or "stream, network, text"...

    def as_json(self) -> dict:
        """The extract as JSON-ready data: ISO-8601 dates, directors as role and names."""
        data = asdict(self)
        for key in ("registration_date", "extract_date"):
            data[key] = data[key].isoformat() if data[key] else None
        data["dirigeants"] = [
            {"role": person.role, "last_name": person.last_name, "first_names": person.first_names}
            for person in self.dirigeants
        ]
        del data["reading"]
        return data


def extract_fields(readings: list[PageReading], page_texts: list[str]) -> KbisExtract:
    """Build a `KbisExtract` from the rows of each page and the plain text of each page."""
    rows = merge_wrapped_lines(row for reading in readings for row in reading.rows)
    extract = KbisExtract(reading=", ".join(dict.fromkeys(reading.method for reading in readings)))
    full_text = "\n".join(page_texts)
    company = _walk(rows, extract)
    extract.siren = _siren(company.get("rcs_number", ""), full_text)
    extract.denomination = company.get("denomination")
    extract.legal_form = company.get("legal_form")
    extract.head_office_address = company.get("head_office_address")
    extract.registration_date = parse_french_date(company.get("registration_date", ""))
    extract.extract_date = _extract_date(full_text)
    extract.problems = _problems(extract, full_text) + extract.problems
    return extract


def merge_wrapped_lines(rows) -> list[Row]:
    """Rows with a wrapped value's lines joined to it; page headers and footers left out."""
    merged: list[Row] = []
    for row in rows:
        if is_furniture(row.label or row.value):
            continue
        previous = merged[-1] if merged else None
        if not row.label and previous and (previous.value or fold(previous.label) in FOLDED_LABELS):
            merged[-1] = Row(previous.label, _join(previous.value, row.value), previous.page)
        else:
            merged.append(row)
    return merged


def _join(first: str, second: str) -> str:
    if not first:
        return second
    return first + second if first.endswith("-") else f"{first} {second}"


def _walk(rows: list[Row], extract: KbisExtract) -> dict[str, str]:
    """Read the company's fields, and add a director for each block of the directors' section.

    A heading (a label without value) is the role of the block that follows it. A "Nom, prénoms"
    always opens a block, so the directors are read even when the section title was lost.
    """
    company: dict[str, str] = {}
    section, heading = None, None
    for row in rows:
        opened = section_of(row.label or row.value)
        if opened is not None:
            section, heading = opened, None
            continue
        if row.label and not row.value:
            heading = row.label.rstrip(" :")
            continue
        label = fold(row.label)
        in_management = heading is not None or section == SECTION_MANAGEMENT
        if label in PERSON_LABELS or (label in LEGAL_PERSON_LABELS and in_management):
            section = SECTION_MANAGEMENT
            _add_dirigeant(extract, heading, row.value, legal_person=label in LEGAL_PERSON_LABELS)
        elif label in USAGE_NAME_LABELS and extract.dirigeants:
            extract.dirigeants[-1].usage_name = row.value
        elif section in (None, SECTION_IDENTIFICATION) and label in COMPANY_FIELDS:
            company.setdefault(COMPANY_FIELDS[label], row.value)
        heading = None
    return company


def _add_dirigeant(
    extract: KbisExtract, role: str | None, name: str, *, legal_person: bool
) -> None:
    last_name, first_names = (name, "") if legal_person else split_person_name(name)
    extract.dirigeants.append(Dirigeant(role or "", last_name, first_names, legal_person))
    if not role:
        extract.problems.append(f"La fonction de « {name} » n'a pas pu être lue.")


def split_person_name(value: str) -> tuple[str, str]:
    """("DURAND", "Pierre François") from "DURAND Pierre François": the last name is in capitals.

    When every word is in capitals, the first word is taken as the last name.
    """
    if "," in value:
        last_name, first_names = value.split(",", 1)
        return last_name.strip(), " ".join(first_names.split())
    words = value.split()
    capitals = 0
    while capitals < len(words) and _in_capitals(words[capitals]):
        capitals += 1
    if capitals == 0 or capitals == len(words):
        capitals = min(1, len(words))
    return " ".join(words[:capitals]), " ".join(words[capitals:])


def _in_capitals(word: str) -> bool:
    return any(c.isalpha() for c in word) and word == word.upper()


_SIREN_IN_RCS = re.compile(r"(\d{3})\s?(\d{3})\s?(\d{3})")
_RCS_IN_TEXT = re.compile(r"(\d{3})\s?(\d{3})\s?(\d{3})\s*R\.?\s?C\.?\s?S\.?", re.IGNORECASE)
_UP_TO_DATE = re.compile(r"[àa]\s+jour\s+au\s*:?\s*([^\r\n]{0,40})", re.IGNORECASE)


def _siren(rcs_number: str, full_text: str) -> str | None:
    match = _SIREN_IN_RCS.search(rcs_number) or _RCS_IN_TEXT.search(full_text)
    return "".join(match.groups()) if match else None


def _extract_date(full_text: str) -> date | None:
    match = _UP_TO_DATE.search(full_text)
    return parse_french_date(match.group(1)) if match else None


def _problems(extract: KbisExtract, full_text: str) -> list[str]:
    folded = fold(full_text)
    problems = []
    if "kbis" not in folded and "registre du commerce" not in folded:
        problems.append("Ce document ne ressemble pas à un extrait Kbis.")
    if extract.extract_date is None:
        problems.append(
            "La date de mise à jour de l'extrait (« à jour au ... ») n'a pas pu être lue.")
    missing = {
        "siren": "Le numéro SIREN (« Immatriculation au RCS, numéro ») n'a pas pu être lu.",
        "denomination": "La dénomination ou raison sociale n'a pas pu être lue.",
        "legal_form": "La forme juridique n'a pas pu être lue.",
        "head_office_address": "L'adresse du siège n'a pas pu être lue.",
        "registration_date": "La date d'immatriculation n'a pas pu être lue.",
    }
    problems += [message for key, message in missing.items() if getattr(extract, key) is None]
    if not extract.dirigeants:
        problems.append(
            "Aucun dirigeant n'a pu être lu (section « Gestion, direction, administration »).")
    return problems
