"""`flask isc kbis parse PATH [--json]` and `flask isc kbis check PATH ...`."""

import json

import pytest

from tests.kbis.pdf_factory import kbis_pdf


@pytest.fixture
def run(app):
    """`run("parse", path, "--json")`: invoke `flask isc kbis ...` on the test app."""

    def invoke(*args):
        return app.test_cli_runner().invoke(args=["isc", "kbis", *map(str, args)])

    return invoke


def test_parse_json_prints_exactly_the_documented_keys_with_iso_dates(run, make_kbis):
    result = run("parse", make_kbis(), "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "siren": "842915308",
        "denomination": "SANTÉ INDUSTRIE CONSEIL",
        "legal_form": "Société par actions simplifiée",
        "head_office_address": "12 rue de la Paix 92000 Nanterre",
        "registration_date": "2018-10-03",
        "extract_date": "2026-03-12",
        "dirigeants": [
            {"role": "Président", "last_name": "DUPONT", "first_names": "Marie Claire"},
            {"role": "Directeur général", "last_name": "DURAND",
             "first_names": "Pierre François Marie"},
        ],
        "problems": [],
    }


def test_parse_json_shows_missing_fields_as_null_and_lists_problems(run, make_kbis):
    from tests.kbis.pdf_factory import many_pages_pdf

    data = json.loads(run("parse", make_kbis(many_pages_pdf(1)), "--json").stdout)

    assert data["siren"] is None and data["extract_date"] is None
    assert "Ce document ne ressemble pas à un extrait Kbis." in data["problems"]


def test_parse_prints_a_readable_summary(run, make_kbis):
    result = run("parse", make_kbis())

    assert result.exit_code == 0
    assert "842915308" in result.stdout
    assert "Up to date on  12 mars 2026" in result.stdout
    assert "  Président: DUPONT Marie Claire" in result.stdout


def test_an_unreadable_file_fails_with_a_french_message_on_stderr(run, make_kbis):
    result = run("parse", make_kbis(kbis_pdf(encrypt="secret")), "--json")

    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr.startswith("Erreur (encrypted) : Ce PDF est protégé par un mot de passe")


def test_check_passes_for_a_legal_representative(run, make_kbis):
    result = run("check", make_kbis(), "--first-name", "Pierre-François", "--last-name", "Durand",
                 "--today", "2026-04-01")

    assert result.exit_code == 0, result.output
    assert "[ok] applicant_is_representative" in result.stdout


def test_check_fails_for_an_old_extract(run, make_kbis):
    result = run("check", make_kbis(), "--first-name", "Marie", "--last-name", "Dupont",
                 "--today", "2026-09-01")

    assert result.exit_code == 1
    assert "[KO] extract_recent" in result.stdout
