"""Checks and normal forms of the personal fields people type: username, e-mail, phone.

Each `normalize_*` returns the stored form or raises `InvalidField` with a French message.
"""

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class InvalidField(ValueError):
    """A value a person typed is not acceptable; the message says why, in French."""


USERNAME_MIN, USERNAME_MAX = 3, 64
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def normalize_username(value: str) -> str:
    username = (value or "").strip().lower()
    if not USERNAME_MIN <= len(username) <= USERNAME_MAX:
        raise InvalidField(
            f"Le nom d'utilisateur doit contenir entre {USERNAME_MIN} et {USERNAME_MAX} caractères."
        )
    if not _USERNAME.match(username):
        raise InvalidField(
            "Le nom d'utilisateur ne peut contenir que des lettres sans accent, des chiffres, "
            "des points, des tirets et des tirets bas, et doit commencer par une lettre ou un chiffre."
        )
    return username


def normalize_email(value: str) -> str:
    try:
        result = validate_email((value or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise InvalidField(
            "L'adresse e-mail n'est pas valide : elle doit avoir la forme nom@domaine.fr."
        ) from None
    return result.normalized.lower()


def normalize_phone(value: str, region: str = "FR") -> str:
    """The E.164 form (+33123456789) of a phone number; France is the default region."""
    try:
        number = phonenumbers.parse((value or "").strip(), region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidField(
            "Le numéro de téléphone n'est pas valide : saisissez par exemple 01 23 45 67 89 "
            "ou +33 1 23 45 67 89."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """A stored phone number as people read it: "+33 1 23 45 67 89"."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def has_control_characters(text: str) -> bool:
    """Whether free text holds characters nobody types (NUL, escapes...); line breaks and tabs
    are allowed. PostgreSQL cannot even store NUL."""
    return any(not char.isprintable() and char not in "\n\r\t" for char in text)
