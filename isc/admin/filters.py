"""List filters Flask-Admin cannot build by itself (ISC's UTC datetime column type)."""

from flask_admin.contrib.sqla import filters


def dates(column, label: str) -> tuple:
    """After, before and between filters on a datetime column."""
    return (
        filters.DateTimeGreaterFilter(column, label),
        filters.DateTimeSmallerFilter(column, label),
        filters.DateTimeBetweenFilter(column, label),
    )
