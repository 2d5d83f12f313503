"""French dates as a Kbis prints them: "12 mars 2026", "1er août 2025", "12/03/2026"."""

import re
from datetime import date

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
_MONTH_NUMBERS = {
    **{name: number for number, name in enumerate(MONTHS, start=1)},
    "fevrier": 2, "aout": 8, "decembre": 12, "fev": 2, "fevr": 2, "janv": 1, "avr": 4, "juil": 7,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_IN_WORDS = re.compile(r"\b(\d{1,2})\s*(?:er)?\s+([a-zéèêûô]+)\.?\s+(\d{4})\b", re.IGNORECASE)
_IN_DIGITS = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b")


def parse_french_date(text: str) -> date | None:
    """The first date in `text`, in words or in digits (day first), or None."""
    found = [match for match in (_IN_WORDS.search(text), _IN_DIGITS.search(text)) if match]
    for match in sorted(found, key=lambda m: m.start()):
        day, month, year = match.groups()
        number = int(month) if month.isdigit() else _MONTH_NUMBERS.get(month.lower())
        if number is None:
            continue
        try:
            return date(int(year), number, int(day))
        except ValueError:
            continue
    return None


def format_french_date(value: date) -> str:
    """"1er mars 2026", "12 mars 2026"."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"
