"""Who may do what to whom, over every collaborators' route, GET and POST: the rights matrix
decides (403 when a person of the company may not act), and another company's people are
never found (404, ids swapped both ways)."""

import pytest
import sqlalchemy as sa

from isc.models import AuditEvent, User, UserStatus
from tests.conftest import csrf_token_of
from tests.portal.pages import text

EDIT_VALUES = {"civility": "madame", "first_name": "Nouveau", "last_name": "Nom", "email": "nouveau@helianthe.fr",
               "direct_phone": "06 12 34 56 99", "phone": ""}


@pytest.fixture
def people(make_user, make_company):
    """Two companies, each with two mandataires, two représentants and two salariés."""

    def company_people(prefix):
        company = make_company()
        return {f"{role}{n}": make_user(role, company=company, username=f"{prefix}-{role}{n}",
                                        email=f"{prefix}-{role}{n}@example.fr", direct_phone="+33612345678")
                for role in ("mandataire", "representant", "salarie") for n in (1, 2)}

    return company_people("a"), company_people("b")


def token(browser) -> str:
    return csrf_token_of(browser.get("/collaborateurs").get_data(as_text=True))


def unchanged(db, user: User) -> bool:
    db.session.expire_all()
    fresh = db.session.get(User, user.id)
    return fresh.status == UserStatus.ACTIVE and fresh.first_name == user.first_name


# (actor, target, allowed): the guide's "les autres comptes d'utilisateurs représentants ou salariés".
MATRIX = [
    ("mandataire1", "representant1", True),
    ("mandataire1", "salarie1", True),
    ("mandataire1", "mandataire2", False),
    ("mandataire1", "mandataire1", False),
    ("representant1", "representant2", True),
    ("representant1", "salarie1", True),
    ("representant1", "mandataire1", False),
    ("representant1", "representant1", False),
    ("salarie1", "salarie2", False),
    ("salarie1", "representant1", False),
    ("salarie1", "mandataire1", False),
    ("salarie1", "salarie1", False),
]


@pytest.mark.parametrize(("actor", "target", "allowed"), MATRIX)
def test_edit_page_follows_the_matrix(people, signed_in_client, actor, target, allowed):
    company, _ = people
    browser = signed_in_client(company[actor])

    response = browser.get(f"/collaborateurs/{company[target].public_id}/modifier")

    assert response.status_code == (200 if allowed else 403)
    if not allowed:
        assert "Accès refusé" in text(response)


@pytest.mark.parametrize(("actor", "target", "allowed"), [case for case in MATRIX if not case[2]])
def test_refused_edit_changes_nothing(db, people, signed_in_client, outbox, actor, target, allowed):
    company, _ = people
    browser = signed_in_client(company[actor])

    response = browser.post(f"/collaborateurs/{company[target].public_id}/modifier",
                            data={"csrf_token": token(browser), **EDIT_VALUES})

    assert response.status_code == 403
    assert unchanged(db, company[target])
    assert outbox.messages(company[target].email) == []


@pytest.mark.parametrize(("actor", "target", "allowed"), MATRIX)
def test_delete_page_follows_the_matrix(people, signed_in_client, actor, target, allowed):
    company, _ = people
    browser = signed_in_client(company[actor])

    response = browser.get(f"/collaborateurs/{company[target].public_id}/supprimer")

    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize(("actor", "target", "allowed"), [case for case in MATRIX if not case[2]])
def test_refused_delete_deletes_nothing(db, people, signed_in_client, actor, target, allowed):
    company, _ = people
    browser = signed_in_client(company[actor])

    response = browser.post(f"/collaborateurs/{company[target].public_id}/supprimer",
                            data={"csrf_token": token(browser)})

    assert response.status_code == 403
    assert unchanged(db, company[target])
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "collaborator.deleted")) is None


@pytest.mark.parametrize("actor", ["mandataire1", "representant1", "salarie1"])
@pytest.mark.parametrize("target", ["mandataire1", "representant1", "salarie1"])
@pytest.mark.parametrize("direction", ["a_to_b", "b_to_a"])
def test_another_company_people_are_never_found(db, people, signed_in_client, outbox, actor, target, direction):
    first, second = people if direction == "a_to_b" else reversed(people)
    browser = signed_in_client(first[actor])
    victim = second[target]
    csrf = token(browser)

    answers = [
        browser.get(f"/collaborateurs/{victim.public_id}").status_code,
        browser.get(f"/collaborateurs/{victim.public_id}/modifier").status_code,
        browser.get(f"/collaborateurs/{victim.public_id}/supprimer").status_code,
        browser.post(f"/collaborateurs/{victim.public_id}/modifier", data={"csrf_token": csrf, **EDIT_VALUES}).status_code,
        browser.post(f"/collaborateurs/{victim.public_id}/supprimer", data={"csrf_token": csrf}).status_code,
    ]

    assert answers == [404] * 5
    assert unchanged(db, victim)
    assert outbox.messages(victim.email) == []


def test_another_company_people_are_not_in_the_search(people, signed_in_client):
    first, second = people
    browser = signed_in_client(first["mandataire1"])

    response = browser.get("/collaborateurs", query_string={"q": "b-"})

    assert "Aucun collaborateur ne correspond" in text(response)


@pytest.mark.parametrize(("actor", "status"), [("mandataire1", 200), ("representant1", 200), ("salarie1", 403)])
def test_add_page_needs_the_right(people, signed_in_client, actor, status):
    company, _ = people

    assert signed_in_client(company[actor]).get("/collaborateurs/ajouter").status_code == status


def test_salarie_cannot_add_by_posting(db, people, signed_in_client):
    company, _ = people
    browser = signed_in_client(company["salarie1"])

    response = browser.post("/collaborateurs/ajouter", data={
        "csrf_token": token(browser), "role": "salarie", "username": "intrus", **EDIT_VALUES})

    assert response.status_code == 403
    assert db.session.scalar(sa.select(User).where(User.username == "intrus")) is None


@pytest.mark.parametrize(("actor", "offered"), [
    ("mandataire1", ["Représentant", "Salarié"]),
    ("representant1", ["Salarié"]),
])
def test_add_page_offers_only_the_roles_one_may_give(people, signed_in_client, actor, offered):
    company, _ = people

    response = signed_in_client(company[actor]).get("/collaborateurs/ajouter")

    page = text(response)
    section = page.split("Rôle du collaborateur *", 1)[1].split("Informations personnelles")[0]
    assert [label for label in ("Mandataire", "Représentant", "Salarié") if label in section] == offered


@pytest.mark.parametrize(("actor", "role"), [
    ("representant1", "representant"),
    ("representant1", "mandataire"),
    ("mandataire1", "mandataire"),
])
def test_a_role_one_may_not_give_is_refused(db, people, signed_in_client, actor, role):
    company, _ = people
    browser = signed_in_client(company[actor])

    response = browser.post("/collaborateurs/ajouter", data={
        "csrf_token": token(browser), "role": role, "username": "nouveau.venu", **EDIT_VALUES})

    assert response.status_code == 422
    assert "Choisissez l'un des rôles proposés." in text(response)
    assert db.session.scalar(sa.select(User).where(User.username == "nouveau.venu")) is None


@pytest.mark.parametrize("url", ["/collaborateurs/ajouter", "/collaborateurs/{id}/modifier", "/collaborateurs/{id}/supprimer"])
def test_posts_without_csrf_token_are_refused(db, people, signed_in_client, url):
    company, _ = people
    browser = signed_in_client(company["mandataire1"])
    target = company["salarie1"]

    response = browser.post(url.format(id=target.public_id), data={"role": "salarie", "username": "sans.jeton",
                                                                    **EDIT_VALUES})

    assert response.status_code == 400
    assert "Le formulaire a expiré" in text(response)
    assert unchanged(db, target)
    assert db.session.scalar(sa.select(User).where(User.username == "sans.jeton")) is None


def test_a_disabled_mandataire_is_signed_out_and_cannot_act(db, people, signed_in_client):
    company, _ = people
    browser = signed_in_client(company["mandataire1"])
    csrf = token(browser)
    db.session.get(User, company["mandataire1"].id).status = UserStatus.DISABLED
    db.session.commit()

    response = browser.post(f"/collaborateurs/{company['salarie1'].public_id}/supprimer", data={"csrf_token": csrf})

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
    assert unchanged(db, company["salarie1"])
