"""`check_extract`: recent, valid SIREN, applicant among the legal representatives."""

from datetime import date

import pytest

from isc.kbis import Dirigeant, KbisExtract, check_extract
from isc.kbis.checks import (
    APPLICANT_IS_REPRESENTATIVE,
    EXTRACT_RECENT,
    SIREN_VALID,
    check_applicant,
    check_siren,
)

SUPPORT = "contactez notre service support"


def extract(**changes) -> KbisExtract:
    values = {
        "siren": "842915308", "extract_date": date(2026, 3, 12),
        "dirigeants": [
            Dirigeant("Président", "DUPONT", "Marie Claire"),
            Dirigeant("Commissaire aux comptes titulaire", "MARTIN", "Paul"),
            Dirigeant("Administrateur", "HOLDING SANTÉ", "", legal_person=True),
        ],
    }
    return KbisExtract(**{**values, **changes})


def test_a_recent_kbis_naming_the_applicant_as_president_passes_every_check():
    results = check_extract(extract(), applicant_first_name="Marie", applicant_last_name="Dupont",
                            today=date(2026, 4, 1))

    assert [(r.code, r.passed) for r in results] == [
        (EXTRACT_RECENT, True), (SIREN_VALID, True), (APPLICANT_IS_REPRESENTATIVE, True)]
    assert results[2].message == "Marie Dupont figure sur l'extrait Kbis comme « Président »."


def test_max_age_days_is_passed_on():
    results = check_extract(extract(), applicant_first_name="Marie", applicant_last_name="Dupont",
                            today=date(2026, 4, 1), max_age_days=10)

    assert not results[0].passed


@pytest.mark.parametrize("role", [
    "Président", "Directeur général", "Directeur général délégué", "Gérant", "Co-gérant",
    "Président du conseil d'administration", "Président du directoire",
    "Administrateur et Président du conseil d'administration", "DIRECTEUR GENERAL",
])
def test_legal_representatives_pass(role):
    director = KbisExtract(dirigeants=[Dirigeant(role, "DURAND", "Pierre")])

    assert check_applicant(director, first_name="Pierre", last_name="Durand").passed


@pytest.mark.parametrize("role", [
    "Commissaire aux comptes titulaire", "Commissaire aux comptes suppléant", "Administrateur",
    "Président du conseil de surveillance", "Membre du conseil de surveillance", "",
])
def test_other_roles_fail_saying_the_role_is_not_a_legal_representative(role):
    director = KbisExtract(dirigeants=[Dirigeant(role, "DURAND", "Pierre")])

    result = check_applicant(director, first_name="Pierre", last_name="Durand")

    assert not result.passed
    assert "n'est pas une fonction de représentant légal" in result.message


def test_a_commissaire_aux_comptes_is_refused():
    result = check_applicant(extract(), first_name="Paul", last_name="Martin")

    assert not result.passed
    assert result.message.startswith(
        "Paul Martin figure sur l'extrait Kbis comme « Commissaire aux comptes titulaire », qui")


def test_an_applicant_absent_from_the_directors_is_refused_with_the_support_contact():
    result = check_applicant(extract(), first_name="Jean", last_name="Inconnu")

    assert not result.passed
    assert result.message.startswith("Votre prénom et votre nom (Jean Inconnu) ne figurent pas")
    assert SUPPORT in result.message


def test_a_kbis_without_directors_read_fails_with_the_support_contact():
    result = check_applicant(extract(dirigeants=[]), first_name="Marie", last_name="Dupont")

    assert not result.passed
    assert SUPPORT in result.message


@pytest.mark.parametrize(("siren", "expected"), [
    ("842915308", "Le numéro SIREN 842 915 308 est valide."),
    ("842915309", "n'est pas valide"),
    ("12345678", "n'est pas valide"),
    (None, "n'a pas pu être lu"),
])
def test_siren_is_checked_with_its_key(siren, expected):
    result = check_siren(extract(siren=siren))

    assert result.passed == (siren == "842915308")
    assert expected in result.message
    assert (SUPPORT in result.message) != result.passed
