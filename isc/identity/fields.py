"""Tolerant readers of the values in the partner's JSON: a value of the wrong type or format is
logged and read as missing, never a crash."""

import logging
from datetime import date, datetime

log = logging.getLogger(__name__)


def text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def day(value: object) -> date | None:
    """An ISO-8601 date ("1990-05-17", or the date part of a timestamp)."""
    value = text(value)
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        log.warning("Partner: unreadable date %r ignored", value)
        return None


def timestamp(value: object) -> datetime | None:
    """An ISO-8601 timestamp, "Z" accepted for UTC."""
    value = text(value)
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        log.warning("Partner: unreadable timestamp %r ignored", value)
        return None
