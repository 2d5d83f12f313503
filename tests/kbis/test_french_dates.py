"""Dates as a Kbis prints them, in words or in digits."""

from datetime import date

import pytest

from isc.kbis.dates import format_french_date, parse_french_date


@pytest.mark.parametrize(("text", "expected"), [
    ("12 mars 2026", date(2026, 3, 12)),
    ("1er mars 2026", date(2026, 3, 1)),
    ("1 er février 2026", date(2026, 2, 1)),
    ("3 fevrier 2026", date(2026, 2, 3)),
    ("15 AOÛT 2025", date(2025, 8, 15)),
    ("15 aout 2025", date(2025, 8, 15)),
    ("31 décembre 2025", date(2025, 12, 31)),
    ("12/03/2026", date(2026, 3, 12)),
    ("12.03.2026", date(2026, 3, 12)),
    ("Le 03/08/1969 à Nancy (54)", date(1969, 8, 3)),
    ("à jour au 2 sept. 2025", date(2025, 9, 2)),
])
def test_dates_in_words_or_digits_are_read(text, expected):
    assert parse_french_date(text) == expected


@pytest.mark.parametrize(
    "text", ["", "31 décembre", "30 février 2026", "12 brumaire 2026", "13/13/2026"])
def test_what_is_not_a_date_reads_as_none(text):
    assert parse_french_date(text) is None


def test_dates_are_written_the_french_way():
    assert format_french_date(date(2026, 3, 1)) == "1er mars 2026"
    assert format_french_date(date(2025, 8, 15)) == "15 août 2025"
