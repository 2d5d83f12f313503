"""Signing in with a username or an e-mail address, and what is refused, in French."""

import pytest

from isc.models import UserStatus
from tests.conftest import DEFAULT_PASSWORD
from tests.portal.pages import location_path, text

WRONG = "Identifiant ou mot de passe incorrect."
REQUIRED = "Ce champ est obligatoire."


def test_sign_in_page_is_in_french(client):
    response = client.get("/connexion")

    assert response.status_code == 200
    page = text(response)
    assert "Nom d'utilisateur ou adresse e-mail" in page
    assert "Mot de passe" in page


def test_username_signs_in_and_lands_on_dashboard(client, db, make_user, submit, is_signed_in):
    user = make_user("salarie", username="camille.martin")

    response = submit("/connexion", {"login": "camille.martin", "password": DEFAULT_PASSWORD})

    assert response.status_code == 303
    assert location_path(response) == "/tableau-de-bord"
    assert is_signed_in(client)
    db.session.refresh(user)
    assert user.last_login_at is not None


@pytest.mark.parametrize("typed", ["Camille.Martin", "  CAMILLE.MARTIN  "])
def test_username_is_not_case_sensitive(client, make_user, submit, is_signed_in, typed):
    make_user(username="camille.martin")

    response = submit("/connexion", {"login": typed, "password": DEFAULT_PASSWORD})

    assert response.status_code == 303
    assert location_path(response) == "/tableau-de-bord"
    assert is_signed_in(client)


@pytest.mark.parametrize("typed", ["camille@laboratoire.fr", "Camille@Laboratoire.FR"])
def test_email_address_signs_in_whatever_its_case(client, make_user, submit, is_signed_in, typed):
    make_user(email="camille@laboratoire.fr")

    response = submit("/connexion", {"login": typed, "password": DEFAULT_PASSWORD})

    assert response.status_code == 303
    assert location_path(response) == "/tableau-de-bord"
    assert is_signed_in(client)


def test_wrong_password_is_refused_without_saying_which_part_is_wrong(
    client, make_user, submit, is_signed_in
):
    user = make_user()

    response = submit(
        "/connexion", {"login": user.username, "password": "not the right one at all"}
    )

    assert response.status_code == 401
    assert WRONG in text(response)
    assert not is_signed_in(client)


def test_unknown_login_gets_the_same_answer_as_a_wrong_password(client, make_user, submit):
    user = make_user()

    wrong_password = submit("/connexion", {"login": user.username, "password": "not the right one"})
    unknown_login = submit("/connexion", {"login": "nobody.here", "password": "not the right one"})
    unknown_email = submit(
        "/connexion", {"login": "nobody@example.fr", "password": DEFAULT_PASSWORD}
    )

    assert (
        wrong_password.status_code == unknown_login.status_code == unknown_email.status_code == 401
    )
    for response in (wrong_password, unknown_login, unknown_email):
        assert WRONG in text(response)
        assert "pas actif" not in text(response)


def test_typed_login_is_kept_but_password_is_not(client, make_user, submit):
    user = make_user()

    response = submit("/connexion", {"login": user.username, "password": "secret typed by mistake"})

    body = response.get_data(as_text=True)
    assert f'value="{user.username}"' in body
    assert "secret typed by mistake" not in body


@pytest.mark.parametrize("status", [UserStatus.DISABLED, UserStatus.PENDING, UserStatus.DELETED])
def test_account_not_active_is_refused_even_with_right_password(
    client, make_user, submit, is_signed_in, status
):
    user = make_user(status=status)

    response = submit("/connexion", {"login": user.username, "password": DEFAULT_PASSWORD})

    assert response.status_code == 401
    page = text(response)
    assert "Votre compte n'est pas actif" in page
    assert "support.isc@esante.gouv.fr" in page
    assert not is_signed_in(client)


def test_user_without_password_cannot_sign_in(client, make_user, submit):
    user = make_user(password=None)

    for attempt in ("x", DEFAULT_PASSWORD, "isc-dummy-password-for-timing"):
        response = submit("/connexion", {"login": user.username, "password": attempt})
        assert response.status_code == 401
        assert WRONG in text(response)


@pytest.mark.parametrize(
    "data",
    [
        {"login": "", "password": ""},
        {"login": "someone", "password": ""},
        {"login": "", "password": "pw"},
        {},
    ],
    ids=["both-empty", "password-empty", "login-empty", "both-missing"],
)
def test_empty_fields_are_required(client, submit, data, is_signed_in):
    response = submit("/connexion", data)

    assert response.status_code == 422
    assert REQUIRED in text(response)
    assert not is_signed_in(client)


def test_overlong_login_is_refused_politely(client, submit):
    response = submit("/connexion", {"login": "a" * 5000, "password": "whatever it is"})

    assert response.status_code == 422
    assert "254 caractères au plus." in text(response)


def test_signed_in_user_opening_sign_in_page_goes_to_dashboard(client, make_user, sign_in):
    sign_in(make_user())

    response = client.get("/connexion")

    assert response.status_code == 302
    assert location_path(response) == "/tableau-de-bord"


# --- Where the browser goes next -----------------------------------------------------------------


def test_protected_page_sends_to_sign_in_then_back(client, make_user, submit_as):
    user = make_user()

    refused = client.get("/compte/mot-de-passe")
    assert refused.status_code == 302
    sign_in_url = location_path(refused)
    assert sign_in_url.startswith("/connexion?next=")

    response = submit_as(
        client, sign_in_url, {"login": user.username, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 303
    assert location_path(response) == "/compte/mot-de-passe"
    assert client.get("/compte/mot-de-passe").status_code == 200


@pytest.mark.parametrize("target", ["/compte/mot-de-passe", "/tableau-de-bord?onglet=services"])
def test_next_local_path_is_honoured(client, make_user, submit, target):
    user = make_user()

    response = submit(
        "/connexion",
        {"login": user.username, "password": DEFAULT_PASSWORD},
        form_url="/connexion",
        query_string={"next": target},
    )

    assert response.status_code == 303
    assert location_path(response) == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "///evil.example",
        "/\t/evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "evil.example",
        "/\r\nLocation: https://evil.example",
        "/\n/evil.example",
    ],
)
def test_next_to_another_site_is_refused(client, make_user, submit, target):
    user = make_user()

    response = submit(
        "/connexion",
        {"login": user.username, "password": DEFAULT_PASSWORD},
        form_url="/connexion",
        query_string={"next": target},
    )

    assert response.status_code == 303
    assert response.headers["Location"] in ("/tableau-de-bord", "http://localhost/tableau-de-bord")


@pytest.mark.parametrize("login", ["camille\x00martin", "camille\nmartin", "camille\x1b[0m"])
def test_control_characters_in_the_login_are_refused_politely(client, make_user, submit, login):
    make_user(username="camille.martin")

    response = submit("/connexion", {"login": login, "password": DEFAULT_PASSWORD})

    assert response.status_code == 422
    assert "Ce champ contient des caractères non autorisés." in text(response)
