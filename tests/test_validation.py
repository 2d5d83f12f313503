"""Normal forms and French error messages of usernames, e-mail addresses and phone numbers."""

import pytest

from isc.validation import (
    InvalidField,
    format_phone,
    normalize_email,
    normalize_phone,
    normalize_username,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(" Jean.Dupont ", "jean.dupont"), ("j_d-2", "j_d-2"), ("abc", "abc"), ("a" * 64, "a" * 64)],
)
def test_username_is_trimmed_and_lower_cased(typed, stored):
    assert normalize_username(typed) == stored


@pytest.mark.parametrize("typed", ["ab", "a" * 65, "", None])
def test_username_length_is_3_to_64_characters(typed):
    with pytest.raises(InvalidField, match="entre 3 et 64 caractères"):
        normalize_username(typed)


@pytest.mark.parametrize(
    "typed", ["jean dupont", "jéan.dupont", "-jean", ".jean", "jean@dupont", "jean/dupont"]
)
def test_username_refuses_spaces_accents_and_other_signs(typed):
    with pytest.raises(InvalidField, match="lettres sans accent"):
        normalize_username(typed)


def test_email_is_trimmed_and_lower_cased():
    assert normalize_email("  Jean.Dupont@Example.FR ") == "jean.dupont@example.fr"


@pytest.mark.parametrize(
    "typed", ["pas-une-adresse", "jean@", "@example.fr", "jean dupont@example.fr", "", None]
)
def test_invalid_email_is_refused_in_french(typed):
    with pytest.raises(InvalidField) as refused:
        normalize_email(typed)
    assert (
        str(refused.value)
        == "L'adresse e-mail n'est pas valide : elle doit avoir la forme nom@domaine.fr."
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01 23 45 67 89", "+33123456789"),
        ("0123456789", "+33123456789"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("0033 1 23 45 67 89", "+33123456789"),
        ("06.12.34.56.78", "+33612345678"),
        ("06-12-34-56-78", "+33612345678"),
    ],
)
def test_french_phone_numbers_are_stored_in_international_form(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+49 30 901820", "+4930901820"),
        ("+1 650 253 0000", "+16502530000"),
        ("+32 2 555 12 12", "+3225551212"),
        ("0032 2 555 12 12", "+3225551212"),
    ],
)
def test_foreign_phone_numbers_are_accepted_with_their_country_code(typed, stored):
    assert normalize_phone(typed) == stored


def test_a_national_number_is_read_in_the_given_region():
    assert normalize_phone("030 901820", region="DE") == "+4930901820"


@pytest.mark.parametrize(
    "typed", ["12", "01 23", "abcdefghij", "01 23 45 67 89 00", "+33 0 00 00 00 00", "", None]
)
def test_invalid_phone_numbers_are_refused_in_french(typed):
    with pytest.raises(InvalidField) as refused:
        normalize_phone(typed)
    assert "Le numéro de téléphone n'est pas valide" in str(refused.value)
    assert "01 23 45 67 89" in str(refused.value)  # says what to type instead


def test_stored_phone_numbers_are_shown_grouped():
    assert format_phone("+33123456789") == "+33 1 23 45 67 89"
    assert format_phone("+4930901820") == "+49 30 901820"
    assert format_phone("") == ""
