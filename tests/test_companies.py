"""Company identifiers (SIREN, SIRET, EU VAT, foreign) and company look-ups."""

import re

import pytest

from isc.companies import (
    _INVALID,
    find_company,
    get_or_create_company,
    guess_identifier_type,
    normalize_identifier,
)
from isc.models import CompanyStatus, IdentifierType
from isc.validation import InvalidField

SIREN, SIRET, EU_VAT, FOREIGN = (
    IdentifierType.SIREN,
    IdentifierType.SIRET,
    IdentifierType.EU_VAT,
    IdentifierType.FOREIGN,
)


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        (SIREN, "842 915 308", "842915308"),
        (SIREN, " 842915308 ", "842915308"),
        (SIRET, "842 915 308 00006", "84291530800006"),
        (EU_VAT, "fr 71 842 915 308", "FR71842915308"),
        (EU_VAT, "DE136695976", "DE136695976"),
        (FOREIGN, " hrb 12345 ", "HRB12345"),
    ],
)
def test_identifiers_are_stored_compact(kind, typed, stored):
    assert normalize_identifier(kind, typed) == stored


@pytest.mark.parametrize(
    ("kind", "typed", "message"),
    [
        (
            SIREN,
            "842915309",
            "Le SIREN n'est pas valide : il compte 9 chiffres",
        ),  # wrong check digit
        (SIREN, "84291530", "Le SIREN n'est pas valide"),
        (SIREN, "84291530A", "Le SIREN n'est pas valide"),
        (SIRET, "84291530800007", "Le SIRET n'est pas valide : il compte 14 chiffres"),
        (SIRET, "842915308", "Le SIRET n'est pas valide"),
        (
            EU_VAT,
            "FR40842915308",
            "Le numéro de TVA intracommunautaire n'est pas valide",
        ),  # wrong key
        (EU_VAT, "XX123456789", "Le numéro de TVA intracommunautaire n'est pas valide"),
        (FOREIGN, "A", "L'identifiant n'est pas valide : de 2 à 32 lettres ou chiffres."),
        (FOREIGN, "AB-12", "L'identifiant n'est pas valide"),
        (FOREIGN, "A" * 33, "L'identifiant n'est pas valide"),
        (SIREN, "", "Le SIREN n'est pas valide"),
    ],
)
def test_invalid_identifiers_are_refused_in_french(kind, typed, message):
    with pytest.raises(InvalidField) as refused:
        normalize_identifier(kind, typed)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize("kind", [SIREN, EU_VAT])
def test_examples_given_in_error_messages_are_themselves_valid(kind):
    example = re.search(r"par exemple ([^)]+)\)", _INVALID[kind]).group(1)
    normalize_identifier(kind, example)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("842915308", SIREN),
        ("842 915 308", SIREN),
        ("84291530800006", SIRET),
        ("FR71842915308", EU_VAT),
        ("123456", FOREIGN),
        ("", FOREIGN),
    ],
)
def test_identifier_type_is_guessed_from_its_shape(typed, kind):
    assert guess_identifier_type(typed) == kind


def test_get_or_create_company_creates_an_active_company_once(db):
    company, created = get_or_create_company(SIREN, "842 915 308", name="LOGIPRO", address="Paris")
    assert created is True
    assert (company.identifier_value, company.status, company.name) == (
        "842915308",
        CompanyStatus.ACTIVE,
        "LOGIPRO",
    )
    db.session.commit()

    again, created = get_or_create_company(SIREN, "842915308", name="Autre nom")
    assert created is False
    assert again.id == company.id and again.name == "LOGIPRO"


def test_get_or_create_company_refuses_an_invalid_identifier(db):
    from isc.models import Company

    with pytest.raises(InvalidField, match="Le SIREN n'est pas valide"):
        get_or_create_company(SIREN, "842915309", name="LOGIPRO")
    assert db.session.query(Company).count() == 0


def test_find_company_looks_up_type_and_value_together(db, make_company):
    french = make_company(identifier_type=SIREN, identifier_value="842915308")
    foreign = make_company(identifier_type=FOREIGN, identifier_value="842915308")
    assert find_company(SIREN, "842915308").id == french.id
    assert find_company(FOREIGN, "842915308").id == foreign.id
    assert find_company(SIRET, "842915308") is None
