"""The Kbis must be up to date ("à jour au") less than 3 months (92 days by default) ago."""

from datetime import date

from isc.kbis import KbisExtract
from isc.kbis.checks import EXTRACT_RECENT, check_recent

TODAY = date(2026, 6, 12)


def check(extract_date, **options):
    result = check_recent(KbisExtract(extract_date=extract_date), today=TODAY, **options)
    assert result.code == EXTRACT_RECENT
    return result


def test_an_extract_of_today_passes():
    result = check(TODAY)

    assert result.passed
    assert result.message == "L'extrait Kbis est à jour au 12 juin 2026 : il a moins de 3 mois."


def test_an_extract_exactly_92_days_old_passes_and_one_day_more_fails():
    assert check(date(2026, 3, 12)).passed  # 92 days before 12 June
    result = check(date(2026, 3, 11))

    assert not result.passed
    assert result.message.startswith(
        "L'extrait Kbis est à jour au 11 mars 2026 : il a plus de 3 mois.")
    assert "moins de 3 mois" in result.message


def test_the_age_limit_is_configurable_and_stated_in_days_when_not_in_months():
    result = check(date(2026, 5, 1), max_age_days=30)

    assert not result.passed
    assert result.message.startswith(
        "L'extrait Kbis est à jour au 1er mai 2026 : il a plus de 30 jours.")
    assert check(date(2026, 5, 1), max_age_days=61).message.endswith("il a moins de 2 mois.")
    assert check(date(2026, 5, 1), max_age_days=45).message.endswith("il a moins de 45 jours.")


def test_an_extract_dated_in_the_future_fails():
    result = check(date(2026, 7, 1))

    assert not result.passed
    assert result.message == ("L'extrait Kbis est daté du 1er juillet 2026, une date à venir : "
                              "vérifiez le document déposé.")


def test_an_unread_date_fails():
    result = check(None)

    assert not result.passed
    assert "n'a pas pu être lue" in result.message
