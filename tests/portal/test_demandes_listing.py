"""« Vos demandes à traiter »: who sees which demandes, the two tabs and their counts, pages
of 20, and a constant number of queries whatever the number of demandes."""

import html
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from isc import membership
from isc.models import Demande, DemandeKind, Role, UserStatus
from isc.models.types import utcnow
from tests.portal.pages import text

LIST = "/demandes"


def applicant_values(name: str) -> dict:
    return {
        "username": name, "civility": "madame", "first_name": "Paule", "last_name": name.capitalize(),
        "email": f"{name}@example.fr", "direct_phone": "01 23 45 67 89", "phone": "",
    }


@pytest.fixture
def company_with_demandes(app, db, make_company, make_user):
    """A company with its mandataire, a représentant, a salarié, and pending demandes: a
    salarié's and a représentant's registration, a salarié's modification."""
    company = make_company(name="Laboratoires Hélianthe")
    people = {
        "mandataire": make_user("mandataire", company=company, first_name="Marie"),
        "representant": make_user("representant", company=company, first_name="Rémi"),
        "salarie": make_user("salarie", company=company, first_name="Sacha", last_name="Durand"),
    }
    with app.test_request_context():  # the e-mails link to the demande
        salarie_registration = membership.request_registration(
            company, Role.SALARIE, applicant_values("salomon"), "v1")
        representant_registration = membership.request_registration(
            company, Role.REPRESENTANT, applicant_values("renaud"), "v1")
        modification = membership.request_modification(
            people["salarie"], {"direct_phone": "01 23 45 67 99"}, "Changement de numéro de téléphone")
    db.session.commit()
    return company, people, {
        "salarie_registration": salarie_registration,
        "representant_registration": representant_registration,
        "modification": modification,
    }


def rows_of(response) -> list[str]:
    """The text of each row of the page's demandes table."""
    body = response.get_data(as_text=True)
    tbody = re.search(r"<tbody>(.*?)</tbody>", body, re.S)
    if tbody is None:
        return []
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row))).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", tbody.group(1), re.S)]


def test_mandataire_sees_registrations_of_representants_and_salaries(company_with_demandes, signed_in_client):
    _, people, demandes = company_with_demandes
    browser = signed_in_client(people["mandataire"])

    response = browser.get(LIST)

    assert response.status_code == 200
    page = text(response)
    assert "Tableau de bord Vos demandes à traiter" in page  # the breadcrumb
    assert ("Vous trouverez ci-dessous les demandes d'inscription et de modification d'un représentant ou "
            "d'un salarié de votre entreprise") in page
    assert "Demandes d'inscription (2)" in page
    assert "Demandes de modification (1)" in page
    rows = rows_of(response)
    assert len(rows) == 2
    assert all("Valider l'inscription" in row and "À traiter" in row for row in rows)
    assert any("Paule Renaud" in row for row in rows) and any("Paule Salomon" in row for row in rows)
    body = response.get_data(as_text=True)
    for demande in (demandes["salarie_registration"], demandes["representant_registration"]):
        assert f'href="/demandes/{demande.id}"' in body


def test_modification_tab_lists_the_modification_demandes(company_with_demandes, signed_in_client):
    _, people, demandes = company_with_demandes
    browser = signed_in_client(people["mandataire"])

    response = browser.get(f"{LIST}?type=modification")

    rows = rows_of(response)
    assert len(rows) == 1
    assert "Sacha Durand" in rows[0] and "Modification de données utilisateur" in rows[0] and "À traiter" in rows[0]
    assert f'href="/demandes/{demandes["modification"].id}"' in response.get_data(as_text=True)
    assert 'aria-current="page">Demandes de modification (1)' in response.get_data(as_text=True)


def test_representant_sees_only_the_demandes_of_salaries(company_with_demandes, signed_in_client):
    _, people, demandes = company_with_demandes
    browser = signed_in_client(people["representant"])

    registrations = browser.get(LIST)
    modifications = browser.get(f"{LIST}?type=modification")

    assert "Demandes d'inscription (1)" in text(registrations)
    assert "Demandes de modification (1)" in text(registrations)
    rows = rows_of(registrations)
    assert len(rows) == 1 and "Paule Salomon" in rows[0]
    assert "Renaud" not in text(registrations)
    assert f'href="/demandes/{demandes["representant_registration"].id}"' not in registrations.get_data(as_text=True)
    assert len(rows_of(modifications)) == 1


def test_representant_does_not_see_another_representants_modification(app, db, company_with_demandes,
                                                                       signed_in_client, make_user):
    company, people, _ = company_with_demandes
    colleague = make_user("representant", company=company, first_name="Roxane")
    with app.test_request_context():
        membership.request_modification(colleague, {"first_name": "Roxanne"}, "")
    db.session.commit()

    as_representant = signed_in_client(people["representant"])
    as_mandataire = signed_in_client(people["mandataire"])

    assert "Demandes de modification (1)" in text(as_representant.get(LIST))
    assert "Demandes de modification (2)" in text(as_mandataire.get(LIST))


def test_nobody_sees_their_own_modification(app, db, company_with_demandes, signed_in_client):
    _, people, _ = company_with_demandes
    with app.test_request_context():
        membership.request_modification(people["representant"], {"first_name": "Rémy"}, "")
    db.session.commit()

    page = text(signed_in_client(people["representant"]).get(f"{LIST}?type=modification"))

    assert "Demandes de modification (1)" in page  # the salarié's only
    assert "Rémy" not in page


def test_demandes_of_another_company_are_not_listed(company_with_demandes, make_user, signed_in_client):
    other_mandataire = make_user("mandataire")  # of a company of its own

    response = signed_in_client(other_mandataire).get(LIST)

    page = text(response)
    assert "Demandes d'inscription (0)" in page and "Demandes de modification (0)" in page
    assert rows_of(response) == []
    assert "Aucune demande d'inscription n'attend votre décision." in page


def test_salarie_is_refused_the_page(company_with_demandes, signed_in_client):
    _, people, _ = company_with_demandes
    browser = signed_in_client(people["salarie"])

    response = browser.get(LIST)

    assert response.status_code == 403
    assert "Accès refusé" in text(response)
    assert "Vos demandes à traiter" not in text(browser.get("/tableau-de-bord"))


def test_visitor_is_sent_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_decided_demandes_leave_the_list(app, db, company_with_demandes, signed_in_client):
    _, people, demandes = company_with_demandes
    with app.test_request_context():
        membership.approve(demandes["salarie_registration"], people["mandataire"])
        membership.refuse(demandes["modification"], people["mandataire"], "Numéro inconnu")
    db.session.commit()

    page = text(signed_in_client(people["mandataire"]).get(LIST))

    assert "Demandes d'inscription (1)" in page and "Demandes de modification (0)" in page


def test_without_registrations_the_modification_tab_opens_first(app, db, make_company, make_user,
                                                                signed_in_client):
    company = make_company()
    mandataire = make_user("mandataire", company=company)
    salarie = make_user("salarie", company=company)
    with app.test_request_context():
        membership.request_modification(salarie, {"first_name": "Lina"}, "")
    db.session.commit()

    response = signed_in_client(mandataire).get(LIST)

    assert len(rows_of(response)) == 1 and "Modification de données utilisateur" in rows_of(response)[0]


# --- Pages of 20 ---------------------------------------------------------------------------------


@pytest.fixture
def many_demandes(db, make_company, make_user):
    """`many_demandes(n)`: a company whose mandataire has n pending registrations, one a
    minute, the newest last (made directly: the service's e-mails would only slow the test)."""

    def make(count: int):
        company = make_company()
        mandataire = make_user("mandataire", company=company)
        start = utcnow() - timedelta(days=1)
        for number in range(count):
            applicant = make_user("salarie", company=company, status=UserStatus.PENDING, password=None,
                                  first_name="Demandeur", last_name=f"N{number + 1:03d}")
            db.session.add(Demande(company_id=company.id, user_id=applicant.id, kind=DemandeKind.REGISTRATION,
                                   created_at=start + timedelta(minutes=number)))
        db.session.commit()
        return mandataire

    return make


def test_demandes_come_20_a_page_newest_first(many_demandes, signed_in_client):
    browser = signed_in_client(many_demandes(45))

    first = browser.get(LIST)
    second = browser.get(f"{LIST}?type=inscription&page=2")
    third = browser.get(f"{LIST}?type=inscription&page=3")

    assert "Demandes d'inscription (45)" in text(first)
    assert [len(rows_of(page)) for page in (first, second, third)] == [20, 20, 5]
    assert "N045" in rows_of(first)[0] and "N026" in rows_of(first)[-1]
    assert "N025" in rows_of(second)[0]
    assert "N001" in rows_of(third)[-1]
    assert "Page 1 sur 3" in text(first)
    first_html = first.get_data(as_text=True)
    assert 'href="/demandes?type=inscription&amp;page=2">Suivant' in first_html
    assert 'aria-disabled="true" role="link">Précédent' in first_html
    third_html = third.get_data(as_text=True)
    assert 'href="/demandes?type=inscription&amp;page=2">Précédent' in third_html
    assert 'aria-disabled="true" role="link">Suivant' in third_html


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99", "9999999999999", "2.5", ""])
def test_odd_page_numbers_show_a_page_without_error(many_demandes, signed_in_client, page):
    browser = signed_in_client(many_demandes(25))

    response = browser.get(f"{LIST}?type=inscription&page={page}")

    assert response.status_code == 200
    assert len(rows_of(response)) in (20, 5)


@pytest.mark.parametrize("kind", ["autre", "<script>", "INSCRIPTION"])
def test_unknown_tab_shows_the_registrations(many_demandes, signed_in_client, kind):
    response = signed_in_client(many_demandes(2)).get(LIST, query_string={"type": kind})

    assert response.status_code == 200
    assert len(rows_of(response)) == 2
    assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[1]


@contextmanager
def counting_queries(engine):
    statements: list[str] = []

    def count(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_the_list_costs_the_same_queries_for_2_or_20_demandes(db, many_demandes, signed_in_client):
    few = signed_in_client(many_demandes(2))
    many = signed_in_client(many_demandes(30))
    few.get(LIST), many.get(LIST)  # warm up: first-request work is not what is measured

    with counting_queries(db.engine) as for_few:
        assert len(rows_of(few.get(LIST))) == 2
    with counting_queries(db.engine) as for_many:
        assert len(rows_of(many.get(LIST))) == 20

    assert len(for_many) == len(for_few)
    assert len(for_few) <= 8, for_few
