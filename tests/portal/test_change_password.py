"""Changing one's password while signed in: the current one is asked for, the other
sessions end, this one stays, and a notice is e-mailed."""

import pytest

from tests.conftest import DEFAULT_PASSWORD
from tests.portal.pages import error_of_field, location_path, text

NEW_PASSWORD = "une autre phrase bien solide"
PAGE = "/compte/mot-de-passe"


@pytest.fixture
def change(client, submit):
    """`change(current, new, confirmation=new)` on the change-password page of `client`."""

    def post(current: str, new: str, confirmation: str | None = None):
        return submit(
            PAGE,
            {
                "current": current,
                "password": new,
                "confirmation": new if confirmation is None else confirmation,
            },
        )

    return post


def test_page_needs_a_signed_in_user(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert location_path(response).startswith("/connexion?next=")


def test_post_without_signing_in_is_sent_to_sign_in(client, submit_as):
    response = submit_as(
        client,
        PAGE,
        {"current": DEFAULT_PASSWORD, "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
        form_url="/connexion",
    )

    assert response.status_code == 302
    assert location_path(response).startswith("/connexion?next=")


def test_page_asks_for_the_current_and_new_passwords(client, make_user, sign_in):
    sign_in(make_user())

    response = client.get(PAGE)

    assert response.status_code == 200
    page = text(response)
    assert "Mot de passe actuel" in page
    assert "Nouveau mot de passe" in page
    assert "Confirmez le nouveau mot de passe" in page


def test_wrong_current_password_is_refused_on_that_field(
    client, make_user, sign_in, change, outbox
):
    user = make_user()
    sign_in(user)

    response = change("pas le bon mot de passe", NEW_PASSWORD)

    assert response.status_code == 422
    assert "Le mot de passe actuel est incorrect." in text(response)
    assert "Le mot de passe actuel est incorrect." in error_of_field(response, "current")
    assert "incorrect" not in error_of_field(response, "password")
    assert outbox.messages() == []


def test_weak_new_password_is_refused_on_the_new_password_field(client, make_user, sign_in, change):
    sign_in(make_user())

    response = change(DEFAULT_PASSWORD, "court")

    assert response.status_code == 422
    assert "Le mot de passe doit contenir au moins 12 caractères." in error_of_field(
        response, "password"
    )
    assert "12 caractères" not in error_of_field(response, "current")


def test_mismatched_confirmation_is_refused(client, make_user, sign_in, change):
    sign_in(make_user())

    response = change(DEFAULT_PASSWORD, NEW_PASSWORD, "une autre phrase pas pareille")

    assert response.status_code == 422
    assert "Les deux mots de passe saisis ne sont pas identiques." in text(response)


def test_empty_fields_are_required(client, make_user, sign_in, change):
    sign_in(make_user())

    response = change("", "", "")

    assert response.status_code == 422
    assert "Ce champ est obligatoire." in text(response)


def test_change_keeps_this_session_ends_the_others_and_notifies(
    client,
    make_user,
    make_client,
    signed_in_client,
    submit_as,
    sign_in,
    change,
    outbox,
    is_signed_in,
):
    user = make_user()
    elsewhere = signed_in_client(user)
    sign_in(user)

    response = change(DEFAULT_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 303
    assert location_path(response) == "/tableau-de-bord"
    dashboard = client.get("/tableau-de-bord")
    assert dashboard.status_code == 200
    assert "Votre mot de passe a été modifié." in text(dashboard)
    assert not is_signed_in(elsewhere)
    notice = outbox.last(user.email)
    assert notice.template == "password_changed"
    assert (
        notice.subject == "Le mot de passe de votre compte Industriels Santé Connect a été modifié"
    )
    assert "les autres sessions ouvertes sur votre compte ont été fermées" in notice.text_body
    assert "http://localhost/mot-de-passe/oublie" in notice.text_body
    assert NEW_PASSWORD not in notice.text_body + notice.html_body
    old = submit_as(
        make_client(), "/connexion", {"login": user.username, "password": DEFAULT_PASSWORD}
    )
    assert old.status_code == 401
    new = submit_as(make_client(), "/connexion", {"login": user.username, "password": NEW_PASSWORD})
    assert new.status_code == 303
