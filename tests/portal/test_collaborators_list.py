"""« Liste des collaborateurs »: the company's accounts (never another company's), searched
and paged, with the actions each person's rights allow; garbage in the query string is
answered like a person's typo, and the page costs the same queries whatever the company's size."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from isc.models import UserStatus
from tests.portal.pages import location_path, text

PAGE = "/collaborateurs"


@pytest.fixture
def company(make_company):
    return make_company(name="Laboratoires Hélianthe")


@pytest.fixture
def team(make_user, company):
    """The guide's example company: a mandataire, a représentant and two salariés."""

    def person(role, first, last, when):
        return make_user(role, company=company, username=f"{first}.{last}".lower(), first_name=first,
                         last_name=last, email=f"{first}.{last}@helianthe.fr".lower(),
                         created_at=datetime(2023, 2, when, 15, 9, tzinfo=UTC))

    return {
        "mandataire": person("mandataire", "Pierre", "DURAND", 6),
        "representant": person("representant", "Paul", "Dupont", 7),
        "salarie": person("salarie", "Aline", "Durand", 8),
        "other_salarie": person("salarie", "Linda", "Moroux", 9),
    }


def rows(response) -> list[list[str]]:
    """The table's rows as lists of cell texts (the Action cell says the actions' names)."""
    body = response.get_data(as_text=True)
    tbody = re.search(r"<tbody>(.*?)</tbody>", body, flags=re.S)
    if tbody is None:
        return []
    result = []
    for row in re.findall(r"<tr>(.*?)</tr>", tbody.group(1), flags=re.S):
        cells = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
        result.append([" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells])
    return result


def names(response) -> list[str]:
    return [f"{row[1]} {row[0]}" for row in rows(response)]


def test_page_needs_a_signed_in_user(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert location_path(response).startswith("/connexion?next=")


def test_list_shows_the_guide_columns_with_breadcrumb_and_search(team, signed_in_client):
    browser = signed_in_client(team["mandataire"])

    response = browser.get(PAGE)

    assert response.status_code == 200
    page = text(response)
    assert "Tableau de bord Liste des collaborateurs" in page
    assert "Nom Prénom Email Rôle Date de création de compte Action" in page
    assert "Rechercher un collaborateur" in page
    assert re.search(r'<button[^>]*type="submit"[^>]*>Rechercher</button>', response.get_data(as_text=True))
    [pierre] = [row for row in rows(response) if row[1] == "Pierre"]
    assert pierre[:5] == ["DURAND", "Pierre", "pierre.durand@helianthe.fr", "Mandataire", "6 février 2023 à 16:09"]
    assert len(rows(response)) == 4


def test_list_is_sorted_by_name_then_first_name(team, signed_in_client):
    browser = signed_in_client(team["salarie"])

    assert names(browser.get(PAGE)) == ["Paul Dupont", "Aline Durand", "Pierre DURAND", "Linda Moroux"]


def test_other_companies_pending_and_deleted_accounts_are_not_listed(
    team, company, make_user, make_company, signed_in_client
):
    make_user("salarie", company=make_company(), first_name="Intrus", last_name="Ailleurs")
    make_user("salarie", company=company, first_name="Candidat", last_name="Attente", status=UserStatus.PENDING)
    make_user("salarie", company=company, first_name="", last_name="Compte supprimé", status=UserStatus.DELETED)
    make_user("salarie", company=company, first_name="Désactivé", last_name="Zola", status=UserStatus.DISABLED)
    browser = signed_in_client(team["salarie"])

    response = browser.get(PAGE)

    listed = names(response)
    assert "Intrus Ailleurs" not in listed
    assert "Candidat Attente" not in listed
    assert not any("supprimé" in name for name in listed)
    assert "Désactivé Zola" in listed
    assert "Désactivé" in rows(response)[-1][3]


@pytest.mark.parametrize(("role", "may_add"), [("mandataire", True), ("representant", True), ("salarie", False)])
def test_add_button_only_with_the_right(team, signed_in_client, role, may_add):
    response = signed_in_client(team[role]).get(PAGE)

    assert ('href="/collaborateurs/ajouter"' in response.get_data(as_text=True)) is may_add


def _actions(response) -> dict[str, str]:
    return {f"{row[1]} {row[0]}": row[5] for row in rows(response)}


def test_actions_of_a_mandataire(team, signed_in_client):
    actions = _actions(signed_in_client(team["mandataire"]).get(PAGE))

    assert actions["Pierre DURAND"] == "Consulter le compte de Pierre DURAND"  # oneself
    assert actions["Paul Dupont"] == ("Consulter le compte de Paul Dupont Éditer le compte de Paul Dupont "
                                      "Supprimer le compte de Paul Dupont")
    assert "Supprimer" in actions["Aline Durand"] and "Éditer" in actions["Aline Durand"]


def test_actions_of_a_representant(team, signed_in_client):
    actions = _actions(signed_in_client(team["representant"]).get(PAGE))

    assert actions["Pierre DURAND"] == "Consulter le compte de Pierre DURAND"  # a mandataire
    assert actions["Paul Dupont"] == "Consulter le compte de Paul Dupont"  # oneself
    assert "Éditer" in actions["Aline Durand"] and "Supprimer" in actions["Aline Durand"]


def test_actions_of_a_salarie(team, signed_in_client):
    actions = _actions(signed_in_client(team["salarie"]).get(PAGE))

    assert all(action.startswith("Consulter") and "Éditer" not in action and "Supprimer" not in action
               for action in actions.values())


def test_action_icons_link_to_the_pages(team, signed_in_client):
    html = signed_in_client(team["mandataire"]).get(PAGE).get_data(as_text=True)
    aline = team["salarie"].public_id

    assert re.search(rf'fr-icon-eye-line"\s+href="/collaborateurs/{aline}"', html)
    assert re.search(rf'fr-icon-user-setting-line"\s+href="/collaborateurs/{aline}/modifier"', html)
    assert re.search(rf'fr-icon-delete-bin-line isc-danger"\s+href="/collaborateurs/{aline}/supprimer"', html)


@pytest.mark.parametrize(("query", "expected"), [
    ("durand", ["Aline Durand", "Pierre DURAND"]),
    ("ALINE", ["Aline Durand"]),
    ("moroux@helianthe", ["Linda Moroux"]),
    ("paul.dupont", ["Paul Dupont"]),
    ("  aline   durand ", ["Aline Durand"]),
    ("Dupont Aline", []),
])
def test_search_by_name_first_name_email_or_username(team, signed_in_client, query, expected):
    browser = signed_in_client(team["salarie"])

    response = browser.get(PAGE, query_string={"q": query})

    assert response.status_code == 200
    assert sorted(names(response)) == sorted(expected)


def test_search_without_result_says_so_and_keeps_the_query(team, signed_in_client):
    browser = signed_in_client(team["salarie"])

    response = browser.get(PAGE, query_string={"q": "Zorglub"})

    assert rows(response) == []
    assert "Aucun collaborateur ne correspond à votre recherche « Zorglub »." in text(response)
    assert 'value="Zorglub"' in response.get_data(as_text=True)


def test_search_wildcards_are_taken_literally(team, signed_in_client):
    browser = signed_in_client(team["salarie"])

    assert rows(browser.get(PAGE, query_string={"q": "%"})) == []
    assert rows(browser.get(PAGE, query_string={"q": "_"})) == []


def test_search_with_markup_is_shown_as_text(team, signed_in_client):
    response = signed_in_client(team["salarie"]).get(PAGE, query_string={"q": "<script>alert(1)</script>"})

    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.fixture
def crowd(make_user, company, team):
    """41 more salariés (45 people: 3 pages of 20), named so that the order is known."""
    return [make_user("salarie", company=company, first_name="Agent", last_name=f"Zz{number:02d}",
                      email=f"agent{number:02d}@helianthe.fr", username=f"agent{number:02d}")
            for number in range(41)]


def test_pages_of_twenty_with_dsfr_pagination(crowd, team, signed_in_client):
    browser = signed_in_client(team["salarie"])

    first = browser.get(PAGE)
    third = browser.get(PAGE, query_string={"page": "3"})

    assert len(rows(first)) == 20
    assert "45 collaborateurs — page 1 sur 3" in text(first)
    html = first.get_data(as_text=True)
    assert 'class="fr-pagination' in html
    assert re.search(r'aria-current="page" title="Page 1">1<', html)
    assert 'href="/collaborateurs?page=2"' in html
    assert re.search(r'fr-pagination__link--next[^"]*" href="/collaborateurs\?page=2">Page suivante<', html)
    assert [row[0] for row in rows(third)] == [f"Zz{number:02d}" for number in range(36, 41)]
    assert "page 3 sur 3" in text(third)


def test_pagination_keeps_the_search(crowd, team, signed_in_client):
    browser = signed_in_client(team["salarie"])

    response = browser.get(PAGE, query_string={"q": "agent", "page": "2"})

    assert len(rows(response)) == 20
    assert "41 collaborateurs pour la recherche « agent » — page 2 sur 3" in text(response)
    assert 'href="/collaborateurs?q=agent&amp;page=3"' in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1e3", "99999999999999999999", "9" * 10_000, "３", " 2", ""])
def test_garbage_page_numbers_show_a_page(crowd, team, signed_in_client, page):
    browser = signed_in_client(team["salarie"])

    response = browser.get(PAGE, query_string={"page": page})

    assert response.status_code == 200
    assert len(rows(response)) in (5, 20)


def test_a_page_past_the_end_shows_the_last_one(crowd, team, signed_in_client):
    response = signed_in_client(team["salarie"]).get(PAGE, query_string={"page": "50"})

    assert "page 3 sur 3" in text(response)


@pytest.mark.parametrize("query", ["x" * 10_000, "\x00", "a\x00b", "' OR 1=1 --", "\\", "é" * 500,
                                   "one two three four five six seven"])
def test_garbage_searches_are_answered(team, signed_in_client, query):
    browser = signed_in_client(team["salarie"])

    response = browser.get(PAGE, query_string={"q": query})

    assert response.status_code == 200
    assert "Liste des collaborateurs" in text(response)


@pytest.mark.parametrize("raw", ["q=%ff%fe", "q=%", "q=a&q=b", "page=1&page=x", "q[]=1"])
def test_malformed_query_strings_are_answered(team, signed_in_client, raw):
    response = signed_in_client(team["salarie"]).get(f"{PAGE}?{raw}")

    assert response.status_code == 200


def test_number_of_queries_does_not_grow_with_the_company(db, make_user, company, signed_in_client):
    mandataire = make_user("mandataire", company=company)
    browser = signed_in_client(mandataire)

    def queries_of_the_page() -> int:
        statements = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = browser.get(PAGE)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(statements), len(rows(response))

    for number in range(4):
        make_user("representant" if number % 2 else "salarie", company=company)
    small, listed_small = queries_of_the_page()
    for number in range(55):
        make_user("representant" if number % 2 else "salarie", company=company)
    large, listed_large = queries_of_the_page()

    assert (listed_small, listed_large) == (5, 20)
    assert small == large
    assert small <= 12
