"""An applicant matches a director whatever the accents, case, hyphens, apostrophes and extra
first names; every first name the applicant gives must be among the director's."""

import pytest

from isc.kbis import Dirigeant, names_match

DURAND = Dirigeant("Directeur général", "DURAND", "Pierre François Marie")


@pytest.mark.parametrize(("first_name", "last_name"), [
    ("Pierre-François", "Durand"),
    ("pierre françois", "DURAND"),
    ("PIERRE FRANCOIS", "durand"),
    ("François", "Durand"),
    ("Marie Pierre", "Durand"),
    ("  Pierre ", " Durand "),
])
def test_names_match_despite_accents_case_hyphens_and_extra_first_names(first_name, last_name):
    assert names_match(first_name, last_name, DURAND)


@pytest.mark.parametrize(("first_name", "last_name"), [
    ("Pierre", "Dupont"),
    ("Paul", "Durand"),
    ("Pierre-Paul", "Durand"),
    ("Pierre", "Durand-Martin"),
    ("Pierre", "Duran"),
    ("", "Durand"),
    ("Pierre", ""),
])
def test_other_names_do_not_match(first_name, last_name):
    assert not names_match(first_name, last_name, DURAND)


def test_a_single_first_name_matches_a_compound_one():
    assert names_match("Pierre", "Durand", Dirigeant("Président", "DURAND", "Pierre-François"))


def test_a_compound_first_name_needs_both_parts_on_the_kbis():
    assert not names_match("Pierre-François", "Durand", Dirigeant("Président", "DURAND", "Pierre"))


@pytest.mark.parametrize("last_name", ["Lévêque-d'Artois", "LEVEQUE D'ARTOIS", "leveque dartois",
                                       "Lévêque d’Artois"])
def test_compound_last_names_match_whatever_their_punctuation(last_name):
    director = Dirigeant("Directeur général délégué", "LÉVÊQUE-D'ARTOIS", "Anne-Sophie Hélène")

    assert names_match("Anne Sophie", last_name, director)


def test_the_usage_name_matches_too():
    director = Dirigeant("Gérant", "MARTIN", "Sophie", usage_name="LEROY")

    assert names_match("Sophie", "Leroy", director)
    assert names_match("Sophie", "Martin", director)


def test_a_legal_person_matches_no_applicant():
    auditor = Dirigeant("Commissaire aux comptes", "AUDIT & ASSOCIÉS", "", legal_person=True)

    assert not names_match("", "AUDIT & ASSOCIÉS", auditor)
    assert not names_match("Audit", "Associés", auditor)
