"""« Votre tableau de bord »: one's information and company, services, the three collaborators
who signed in last, and for mandataires and représentants the latest demandes to process — in
a number of queries that does not grow with the company."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from isc.models import Demande, DemandeKind, DemandeStatus, UserStatus
from isc.models.types import utcnow
from tests.portal.pages import text

DASHBOARD = "/tableau-de-bord"
COLLABORATORS_SENTENCE = (
    "Vous trouvez ci-dessous les 3 derniers collaborateurs à s'être connectés (sauf vous) sur le fournisseur "
    "d'identité Industriels Santé Connect (ISC)"
)
DEMANDES_SENTENCE = (
    "Vous trouvez ci-dessous les 2 dernières demandes d'inscription et de modification des collaborateurs de "
    "votre entreprise"
)


@pytest.fixture
def company(make_company):
    return make_company(name="LOGIPRO", identifier_value="732829320")


@pytest.fixture
def mandataire(company, make_user):
    return make_user("mandataire", company=company, first_name="Pierre-François", last_name="Durand",
                     email="pierrefrancois.durand@logipro.fr")


def signed_in_at(db, user, minutes_ago: int):
    user.last_login_at = utcnow() - timedelta(minutes=minutes_ago)
    db.session.commit()
    return user


def add_demande(db, company, applicant, kind=DemandeKind.REGISTRATION, minutes_ago=0, **values):
    demande = Demande(company_id=company.id, user_id=applicant.id, kind=kind,
                      created_at=utcnow() - timedelta(minutes=minutes_ago), **values)
    db.session.add(demande)
    db.session.commit()
    return demande


def section(page: str, heading: str, next_heading: str | None = None) -> str:
    """The text of the dashboard from `heading` to `next_heading` (the menu is left out)."""
    start = page.index(heading, page.index("Votre tableau de bord"))
    end = page.index(next_heading, start) if next_heading else len(page)
    return page[start:end]


def test_personal_and_company_information(mandataire, signed_in_client):
    response = signed_in_client(mandataire).get(DASHBOARD)

    assert response.status_code == 200
    page = text(response)
    assert "Votre tableau de bord" in page
    info = section(page, "Vos informations", "Vos services")
    assert "Informations personnelles" in info
    assert "Prénom Pierre-François" in info and "Nom Durand" in info
    assert "Statut Mandataire" in info
    assert "Adresse e-mail pierrefrancois.durand@logipro.fr" in info
    assert "Informations de l'entreprise" in info
    assert "Raison sociale LOGIPRO" in info and "Identifiant - SIREN 732829320" in info
    body = response.get_data(as_text=True)
    assert re.search(r'href="/compte"[^>]*>Voir vos informations<', body)
    assert re.search(r'href="/compte"[^>]*>Voir plus<', body)
    assert "Vos services utilisés" in page and "Les services accessibles" in page  # the services panel


def test_the_three_collaborators_who_signed_in_last_not_oneself(db, company, mandataire, make_user,
                                                                 signed_in_client):
    people = [make_user("salarie", company=company, first_name=f"Prénom{n}", last_name=f"Nom{n}",
                        email=f"personne{n}@logipro.fr") for n in range(1, 6)]
    for minutes, person in zip((50, 10, 30, 5, 40), people):
        signed_in_at(db, person, minutes)
    make_user("salarie", company=company, last_name="Jamais")  # never signed in
    signed_in_at(db, make_user("salarie", company=company, last_name="Parti", status=UserStatus.DELETED), 1)
    signed_in_at(db, make_user("salarie", last_name="Ailleurs"), 1)  # another company
    browser = signed_in_client(mandataire)  # the mandataire signs in last of all

    response = browser.get(DASHBOARD)

    page = text(response)
    block = section(page, "Vos collaborateurs", "Vos demandes à traiter")
    assert COLLABORATORS_SENTENCE in block
    assert "Nom Prénom Email Rôle Date de création de compte Action" in block
    names = re.findall(r"Nom(\d) Prénom\d personne\d@logipro\.fr Salarié", block)
    assert names == ["4", "2", "3"]
    for absent in ("Durand", "Jamais", "Parti", "Ailleurs", "Nom1", "Nom5"):
        assert absent not in block
    body = response.get_data(as_text=True)
    for person in (people[3], people[1], people[2]):
        assert f'href="/collaborateurs/{person.public_id}">Consulter' in body
    assert re.search(r'href="/collaborateurs"[^>]*>Voir tous vos collaborateurs<', body)
    assert re.search(r'href="/collaborateurs/ajouter"[^>]*>Ajouter un collaborateur<', body)


def test_without_collaborators_signed_in_the_dashboard_says_so(mandataire, signed_in_client):
    page = text(signed_in_client(mandataire).get(DASHBOARD))

    assert "Aucun autre collaborateur de votre entreprise ne s'est encore connecté." in page


def test_mandataire_sees_counts_and_the_two_latest_demandes(db, company, mandataire, make_user, signed_in_client):
    pending = {"status": UserStatus.PENDING, "password": None}
    add_demande(db, company, make_user("salarie", company=company, first_name="Paul", last_name="Clerand",
                                       **pending), minutes_ago=10)
    add_demande(db, company, make_user("representant", company=company, first_name="Rita", last_name="Roy",
                                       **pending), minutes_ago=5)
    add_demande(db, company, make_user("salarie", company=company, first_name="Old", last_name="Est", **pending),
                minutes_ago=60)
    salarie = make_user("salarie", company=company, first_name="Aline", last_name="Durand")
    add_demande(db, company, salarie, DemandeKind.MODIFICATION, minutes_ago=1, requested={"first_name": "Line"})
    add_demande(db, company, make_user("salarie", company=company, **pending), minutes_ago=0,
                status=DemandeStatus.REFUSED)

    response = signed_in_client(mandataire).get(DASHBOARD)

    block = section(text(response), "Vos demandes à traiter")
    assert DEMANDES_SENTENCE in block
    assert "Demandes d'inscription (3)" in block and "Demandes de modification (1)" in block
    assert "Date Utilisateur Description Statut" in block
    assert re.search(r"Aline Durand Modification de données utilisateur.*À traiter.*Rita Roy Valider l'inscription",
                     block)
    assert "Clerand" not in block and "Old Est" not in block
    body = response.get_data(as_text=True)
    assert re.search(r'href="/demandes"[^>]*>Voir toutes les demandes à traiter<', body)
    assert 'href="/demandes?type=inscription"' in body and 'href="/demandes?type=modification"' in body


def test_representant_sees_only_the_salaries_demandes(db, company, make_user, signed_in_client):
    representant = make_user("representant", company=company)
    pending = {"status": UserStatus.PENDING, "password": None}
    add_demande(db, company, make_user("salarie", company=company, first_name="Sam", last_name="Salarie",
                                       **pending))
    add_demande(db, company, make_user("representant", company=company, first_name="Rita", last_name="Roy",
                                       **pending))

    response = signed_in_client(representant).get(DASHBOARD)

    block = section(text(response), "Vos demandes à traiter")
    assert "Demandes d'inscription (1)" in block and "Demandes de modification (0)" in block
    assert "Sam Salarie" in block and "Rita Roy" not in block
    assert "Ajouter un collaborateur" in text(response)


def test_salarie_has_no_demandes_block_and_cannot_add_collaborators(db, company, make_user, signed_in_client):
    salarie = make_user("salarie", company=company)
    add_demande(db, company, make_user("salarie", company=company, status=UserStatus.PENDING, password=None))

    response = signed_in_client(salarie).get(DASHBOARD)

    page = text(response)
    assert "Vos collaborateurs" in page and "Voir tous vos collaborateurs" in page
    assert "Vos demandes à traiter" not in page
    assert "Demandes d'inscription" not in page
    assert "Ajouter un collaborateur" not in page
    assert "/collaborateurs/ajouter" not in response.get_data(as_text=True)


def test_without_demandes_the_block_says_so(mandataire, signed_in_client):
    page = text(signed_in_client(mandataire).get(DASHBOARD))

    assert "Demandes d'inscription (0)" in page and "Demandes de modification (0)" in page
    assert "Aucune demande n'attend votre décision." in page


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


@pytest.mark.parametrize("role", ["mandataire", "representant", "salarie"])
def test_the_dashboard_costs_the_same_queries_for_a_small_or_a_large_company(
    db, make_company, make_user, signed_in_client, role,
):
    def company_of(size: int):
        company = make_company()
        person = make_user(role, company=company)
        for number in range(size):
            colleague = make_user("salarie", company=company)
            signed_in_at(db, colleague, number + 1)
            applicant = make_user("salarie", company=company, status=UserStatus.PENDING, password=None)
            add_demande(db, company, applicant, minutes_ago=number)
            add_demande(db, company, colleague, DemandeKind.MODIFICATION, minutes_ago=number,
                        requested={"first_name": "Autre"})
        return signed_in_client(person)

    small, large = company_of(1), company_of(25)
    small.get(DASHBOARD), large.get(DASHBOARD)  # warm up: first-request work is not what is measured

    with counting_queries(db.engine) as for_small:
        assert small.get(DASHBOARD).status_code == 200
    with counting_queries(db.engine) as for_large:
        assert large.get(DASHBOARD).status_code == 200

    assert len(for_large) == len(for_small), "\n".join(for_large)
    assert len(for_small) <= 12, "\n".join(for_small)


def test_the_dashboard_costs_the_same_queries_for_one_or_many_services_open_to_some_companies(
    db, make_company, make_user, signed_in_client,
):
    from isc import services

    company = make_company()
    person = make_user("salarie", company=company)
    client = signed_in_client(person)

    def open_services(count: int) -> None:
        for _ in range(count):
            service, _ = services.create_service(name=f"Service {services.new_client_id()}",
                                                 redirect_uris=["https://rp.example.fr/cb"], first_party=True)
            services.set_access(service, companies=[company, make_company()])
        db.session.commit()

    open_services(1)
    client.get(DASHBOARD)
    with counting_queries(db.engine) as for_one:
        assert client.get(DASHBOARD).status_code == 200
    open_services(9)
    with counting_queries(db.engine) as for_ten:
        page = client.get(DASHBOARD)

    assert page.get_data(as_text=True).count("Service isc-") == 5  # the first five, then « Voir plus »
    assert len(for_ten) == len(for_one), "\n".join(for_ten)
