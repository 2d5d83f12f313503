"""`read_kbis` reads the company, the "à jour au" date and the directors of generated Kbis."""

from datetime import date

import pytest

from isc.kbis import Dirigeant, read_kbis
from tests.kbis.pdf_factory import Dirigeant as Block

LONG_ADDRESS = ("Bâtiment C, Parc d'activités des Grands Champs, 145 avenue du Général de Gaulle, "
                "Zone industrielle nord, 92000 Nanterre")
LONG_NAME = ("LABORATOIRES PHARMACEUTIQUES ET BIOTECHNOLOGIQUES DE L'OUEST PARISIEN POUR LA "
             "RECHERCHE CLINIQUE ET LE DÉVELOPPEMENT")
LONG_FIRST_NAMES = "Jean-Baptiste Marie Joseph Emmanuel Louis Alexandre Hippolyte Gontran"
SEVERAL = (
    Block("Président", "DUPONT Marie Claire"),
    Block("Directeur général", "DURAND Pierre François Marie"),
    Block("Directeur général délégué", "LÉVÊQUE-D'ARTOIS Anne-Sophie Hélène"),
    Block("Commissaire aux comptes titulaire", "AUDIT & ASSOCIÉS", legal_person=True),
    Block("Commissaire aux comptes suppléant", "MARTIN Paul"),
    Block("Administrateur", "HOLDING SANTÉ PARTICIPATIONS", legal_person=True),
)
SEVERAL_READ = [
    Dirigeant("Président", "DUPONT", "Marie Claire"),
    Dirigeant("Directeur général", "DURAND", "Pierre François Marie"),
    Dirigeant("Directeur général délégué", "LÉVÊQUE-D'ARTOIS", "Anne-Sophie Hélène"),
    Dirigeant("Commissaire aux comptes titulaire", "AUDIT & ASSOCIÉS", "", legal_person=True),
    Dirigeant("Commissaire aux comptes suppléant", "MARTIN", "Paul"),
    Dirigeant("Administrateur", "HOLDING SANTÉ PARTICIPATIONS", "", legal_person=True),
]


@pytest.mark.parametrize("ruled", [False, True], ids=["unruled", "ruled"])
def test_sas_with_president_and_directeur_general_is_read(make_kbis, ruled):
    extract = read_kbis(make_kbis(ruled=ruled))

    assert extract.siren == "842915308"
    assert extract.denomination == "SANTÉ INDUSTRIE CONSEIL"
    assert extract.legal_form == "Société par actions simplifiée"
    assert extract.head_office_address == "12 rue de la Paix 92000 Nanterre"
    assert extract.registration_date == date(2018, 10, 3)
    assert extract.extract_date == date(2026, 3, 12)
    assert extract.dirigeants == [
        Dirigeant("Président", "DUPONT", "Marie Claire"),
        Dirigeant("Directeur général", "DURAND", "Pierre François Marie"),
    ]
    assert extract.problems == []
    assert extract.reading == "stream"


def test_sarl_with_gerant_is_read(make_kbis):
    gerante = Block("Gérant", "BERNARD Élodie")
    path = make_kbis(legal_form="Société à responsabilité limitée", siren="552100554",
                     denomination="PHARMA LOGISTIQUE", dirigeants=(gerante,))

    extract = read_kbis(path)

    assert (extract.siren, extract.denomination) == ("552100554", "PHARMA LOGISTIQUE")
    assert extract.legal_form == "Société à responsabilité limitée"
    assert extract.dirigeants == [Dirigeant("Gérant", "BERNARD", "Élodie")]


@pytest.mark.parametrize("ruled", [False, True], ids=["unruled", "ruled"])
def test_every_director_is_read_with_legal_persons_flagged(make_kbis, ruled):
    extract = read_kbis(make_kbis(dirigeants=SEVERAL, ruled=ruled))

    assert extract.dirigeants == SEVERAL_READ
    assert extract.problems == []


@pytest.mark.parametrize("ruled", [False, True], ids=["unruled", "ruled"])
def test_wrapped_long_values_are_joined(make_kbis, ruled):
    president = Block("Président", f"DE LA FONTAINE {LONG_FIRST_NAMES}")

    extract = read_kbis(make_kbis(address=LONG_ADDRESS, denomination=LONG_NAME, ruled=ruled,
                                  dirigeants=(president,)))

    assert extract.head_office_address == LONG_ADDRESS
    assert extract.denomination == LONG_NAME
    assert extract.dirigeants == [Dirigeant("Président", "DE LA FONTAINE", LONG_FIRST_NAMES)]


@pytest.mark.parametrize("ruled", [False, True], ids=["unruled", "ruled"])
def test_directors_section_continuing_on_page_two_is_read(make_kbis, ruled):
    path = make_kbis(dirigeants=SEVERAL, page_break_before="Directeur général délégué", ruled=ruled,
                     address=LONG_ADDRESS)

    extract = read_kbis(path)

    assert extract.dirigeants == SEVERAL_READ
    assert extract.head_office_address == LONG_ADDRESS
    assert extract.problems == []


def test_role_heading_at_the_foot_of_page_one_names_the_person_on_page_two(make_kbis):
    extract = read_kbis(make_kbis(dirigeants=SEVERAL, page_break_before="Nom, prénoms"))

    assert extract.dirigeants == SEVERAL_READ


def test_a_block_split_between_pages_keeps_its_director(make_kbis):
    extract = read_kbis(make_kbis(dirigeants=SEVERAL, page_break_before="Nationalité"))

    assert extract.dirigeants == SEVERAL_READ


def test_directors_overflowing_onto_page_two_are_all_read(make_kbis):
    many = tuple(Block("Administrateur", f"ADMINISTRATEUR{chr(65 + i)} Jeanne") for i in range(14))

    extract = read_kbis(make_kbis(dirigeants=SEVERAL[:2] + many))

    assert [d.last_name for d in extract.dirigeants] == ["DUPONT", "DURAND"] + [
        f"ADMINISTRATEUR{chr(65 + i)}" for i in range(14)]
    assert extract.problems == []


@pytest.mark.parametrize(("printed", "expected"), [
    ("12 mars 2026", date(2026, 3, 12)),
    ("1er mars 2026", date(2026, 3, 1)),
    ("3 février 2026", date(2026, 2, 3)),
    ("15 août 2025", date(2025, 8, 15)),
    ("1er décembre 2025", date(2025, 12, 1)),
    ("12/03/2026", date(2026, 3, 12)),
])
def test_up_to_date_date_is_read_in_words_or_in_digits(make_kbis, printed, expected):
    assert read_kbis(make_kbis(extract_date=printed)).extract_date == expected


def test_registration_date_in_words_is_read(make_kbis):
    extract = read_kbis(make_kbis(registration_date="1er août 2019"))

    assert extract.registration_date == date(2019, 8, 1)


def test_a_person_with_a_usage_name_keeps_both_names(make_kbis):
    gerante = Block("Gérant", "MARTIN Sophie", usage_name="LEROY")

    extract = read_kbis(make_kbis(dirigeants=(gerante,)))

    assert extract.dirigeants == [Dirigeant("Gérant", "MARTIN", "Sophie", usage_name="LEROY")]


def test_bytes_are_read_like_a_file(make_kbis):
    path = make_kbis()

    assert read_kbis(path.read_bytes()) == read_kbis(path)


def test_unreadable_fields_are_listed_as_problems_in_french(make_kbis):
    from tests.kbis.pdf_factory import many_pages_pdf

    extract = read_kbis(make_kbis(many_pages_pdf(1)))

    assert extract.siren is None and extract.dirigeants == []
    assert extract.problems == [
        "Ce document ne ressemble pas à un extrait Kbis.",
        "La date de mise à jour de l'extrait (« à jour au ... ») n'a pas pu être lue.",
        "Le numéro SIREN (« Immatriculation au RCS, numéro ») n'a pas pu être lu.",
        "La dénomination ou raison sociale n'a pas pu être lue.",
        "La forme juridique n'a pas pu être lue.",
        "L'adresse du siège n'a pas pu être lue.",
        "La date d'immatriculation n'a pas pu être lue.",
        "Aucun dirigeant n'a pu être lu (section « Gestion, direction, administration »).",
    ]
