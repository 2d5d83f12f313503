"""Every portal form refuses a POST without this browser's CSRF token, with a French page."""

import pytest

from isc import accounts
from tests.conftest import DEFAULT_PASSWORD, csrf_token_of
from tests.portal.pages import text

EXPIRED_FORM = "Le formulaire a expiré ou n'a pas été envoyé depuis ce site."


def assert_refused(response):
    assert response.status_code == 400
    page = text(response)
    assert "Requête incorrecte" in page or EXPIRED_FORM in page
    assert EXPIRED_FORM in page
    assert "Traceback" not in response.get_data(as_text=True)


def test_sign_in_without_token_is_refused(client, make_user, is_signed_in):
    user = make_user()

    response = client.post(
        "/connexion", data={"login": user.username, "password": DEFAULT_PASSWORD}
    )

    assert_refused(response)
    assert not is_signed_in(client)


def test_sign_in_with_a_forged_token_is_refused(client, make_user, is_signed_in):
    user = make_user()
    client.get("/connexion")

    response = client.post(
        "/connexion",
        data={"csrf_token": "forged", "login": user.username, "password": DEFAULT_PASSWORD},
    )

    assert_refused(response)
    assert not is_signed_in(client)


def test_sign_in_with_a_token_from_another_browser_is_refused(
    client, make_user, make_client, is_signed_in
):
    user = make_user()
    client.get("/connexion")
    attacker_token = csrf_token_of(make_client().get("/connexion").get_data(as_text=True))

    response = client.post(
        "/connexion",
        data={"csrf_token": attacker_token, "login": user.username, "password": DEFAULT_PASSWORD},
    )

    assert_refused(response)


def test_forgotten_password_without_token_is_refused(client, make_user, outbox):
    user = make_user()

    assert_refused(client.post("/mot-de-passe/oublie", data={"login": user.username}))
    assert outbox.messages() == []


def test_set_password_without_token_is_refused(client, db, make_user, password_link_in):
    user = make_user()
    accounts.request_password_reset(user.username)
    db.session.commit()
    link = password_link_in(user)

    response = client.post(
        link, data={"password": "un mot de passe solide", "confirmation": "un mot de passe solide"}
    )

    assert_refused(response)
    assert client.get(link).status_code == 200  # the link was not spent


def test_change_password_without_token_is_refused(client, make_user, sign_in, is_signed_in):
    user = make_user()
    sign_in(user)

    response = client.post(
        "/compte/mot-de-passe",
        data={
            "current": DEFAULT_PASSWORD,
            "password": "une autre phrase solide",
            "confirmation": "une autre phrase solide",
        },
    )

    assert_refused(response)
    assert is_signed_in(client)


@pytest.mark.parametrize("accept", ["text/html", "*/*"])
def test_refusal_page_is_html_in_french(client, accept):
    response = client.post("/connexion", data={}, headers={"Accept": accept})

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert '<html lang="fr"' in response.get_data(as_text=True)
