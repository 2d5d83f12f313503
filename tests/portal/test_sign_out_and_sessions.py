"""Sessions live server side: a new one at each sign-in, ended by sign-out, timeouts and
account changes, so that a copied cookie is worth nothing afterwards."""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from isc.models import UserStatus
from tests.conftest import DEFAULT_PASSWORD, csrf_token_of
from tests.portal.pages import location_path, text

COOKIE = "isc"


def copy_cookie(source, target, name: str = COOKIE) -> str:
    """Put `source`'s session cookie in `target`, as a thief copying it would."""
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    target.set_cookie(name, cookie.value)
    return cookie.value


# --- Sign-in opens a new session ----------------------------------------------------------------


def test_sign_in_replaces_the_session_cookie(client, make_user, make_client, submit, is_signed_in):
    user = make_user()
    client.get("/connexion")
    planted = make_client()
    before = copy_cookie(client, planted)  # a cookie an attacker could have planted or read

    submit(
        "/connexion", {"login": user.username, "password": DEFAULT_PASSWORD}, form_url="/connexion"
    )

    assert client.get_cookie(COOKIE).value != before
    assert is_signed_in(client)
    assert not is_signed_in(planted)


def test_each_sign_in_opens_its_own_server_side_session(
    make_user, signed_in_client, sessions_of, is_signed_in
):
    user = make_user()

    laptop = signed_in_client(user)
    phone = signed_in_client(user)

    sessions = sessions_of(user)
    assert len(sessions) == 2
    assert sessions[0].token_hash != sessions[1].token_hash
    assert all(s.ended_at is None for s in sessions)
    assert is_signed_in(laptop) and is_signed_in(phone)


def test_cookie_names_the_session_and_holds_nothing_personal(app, client, make_user, sign_in):
    user = make_user(username="camille.martin", email="camille@laboratoire.fr")
    sign_in(user)

    raw = client.get_cookie(COOKIE).value
    content = app.session_interface.get_signing_serializer(app).loads(raw)

    assert set(content) <= {
        "sid",
        "_user_id",
        "_fresh",
        "_id",
        "_permanent",
        "csrf_token",
        "_flashes",
    }
    assert len(content["sid"]) >= 40
    assert "camille" not in repr(content).lower()


# --- Sign-out -----------------------------------------------------------------------------------


def test_sign_out_ends_the_session_and_returns_home(
    client, make_user, sign_in, sign_out, sessions_of, is_signed_in
):
    user = make_user()
    sign_in(user)

    response = sign_out(client)

    assert response.status_code == 303
    assert location_path(response) == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Vous êtes déconnecté." in text(home)
    assert "Se connecter" in text(home)
    assert not is_signed_in(client)
    (session,) = sessions_of(user)
    assert session.ended_at is not None
    assert session.end_reason == "sign_out"


def test_copied_cookie_is_worthless_after_sign_out(
    client, make_user, make_client, sign_in, sign_out, is_signed_in
):
    user = make_user()
    sign_in(user)
    thief = make_client(ip="203.0.113.66")
    copy_cookie(client, thief)
    assert is_signed_in(thief)  # the copy works while the session is open

    sign_out(client)

    assert not is_signed_in(thief)


def test_sign_out_only_ends_this_browsers_session(
    make_user, signed_in_client, sign_out, is_signed_in
):
    user = make_user()
    laptop = signed_in_client(user)
    phone = signed_in_client(user)

    sign_out(laptop)

    assert not is_signed_in(laptop)
    assert is_signed_in(phone)


def test_sign_out_by_get_is_not_allowed(client, make_user, sign_in, is_signed_in):
    sign_in(make_user())

    response = client.get("/deconnexion")

    assert response.status_code == 405
    assert "Action non permise" in text(response)
    assert is_signed_in(client)


def test_sign_out_without_csrf_token_is_refused(client, make_user, sign_in, is_signed_in):
    sign_in(make_user())

    response = client.post("/deconnexion")

    assert response.status_code == 400
    assert "Le formulaire a expiré" in text(response)
    assert is_signed_in(client)


def test_sign_out_with_another_browsers_token_is_refused(
    client, make_user, make_client, sign_in, is_signed_in
):
    sign_in(make_user())
    stranger = make_client()
    foreign_token = csrf_token_of(stranger.get("/connexion").get_data(as_text=True))

    response = client.post("/deconnexion", data={"csrf_token": foreign_token})

    assert response.status_code == 400
    assert is_signed_in(client)


# --- Timeouts -----------------------------------------------------------------------------------


def test_idle_session_ends(
    client, app, make_user, sign_in, age_sessions, sessions_of, is_signed_in
):
    user = make_user()
    sign_in(user)
    idle = app.config["SESSION_IDLE_TIMEOUT"]

    age_sessions(user, idle=timedelta(seconds=idle + 5))

    response = client.get("/tableau-de-bord")
    assert response.status_code == 302
    assert location_path(response).startswith("/connexion")
    (session,) = sessions_of(user)
    assert session.end_reason == "idle"
    # Coming back a moment later does not revive it.
    age_sessions(user, idle=timedelta(0))
    assert not is_signed_in(client)


@pytest.mark.settings(SESSION_IDLE_TIMEOUT=1)
def test_idle_timeout_setting_is_honoured(make_user, sign_in, client, is_signed_in):
    user = make_user()
    sign_in(user)
    assert is_signed_in(client)

    time.sleep(1.1)

    assert not is_signed_in(client)


def test_session_in_use_stays_open_and_records_activity(
    client, make_user, sign_in, age_sessions, sessions_of, is_signed_in
):
    user = make_user()
    sign_in(user)
    age_sessions(user, idle=timedelta(minutes=10), age=timedelta(hours=2))
    before = sessions_of(user)[0].last_seen_at

    assert is_signed_in(client)

    (session,) = sessions_of(user)
    assert session.ended_at is None
    assert session.last_seen_at > before + timedelta(minutes=9)


def test_session_ends_twelve_hours_after_sign_in_even_when_active(
    client, make_user, sign_in, age_sessions, sessions_of, is_signed_in
):
    user = make_user()
    sign_in(user)

    age_sessions(user, idle=timedelta(seconds=5), age=timedelta(hours=13))

    assert not is_signed_in(client)
    (session,) = sessions_of(user)
    assert session.end_reason == "expired"


def test_signing_in_again_after_a_timeout_works(
    client, make_user, sign_in, age_sessions, is_signed_in
):
    user = make_user()
    sign_in(user)
    age_sessions(user, idle=timedelta(hours=1))
    assert not is_signed_in(client)

    sign_in(user)

    assert is_signed_in(client)


# --- Account changes ------------------------------------------------------------------------------


def test_disabling_an_account_ends_its_sessions_at_the_next_request(
    client, db, make_user, make_client, sign_in, sessions_of, is_signed_in
):
    user = make_user()
    sign_in(user)
    other = make_client()
    copy_cookie(client, other)

    user.status = UserStatus.DISABLED
    db.session.commit()

    assert not is_signed_in(client)
    (session,) = sessions_of(user)
    assert session.end_reason == "disabled"
    # Re-enabling the account does not bring the old session back.
    user.status = UserStatus.ACTIVE
    db.session.commit()
    assert not is_signed_in(other)


def test_deleted_session_row_signs_the_browser_out(client, db, make_user, sign_in, is_signed_in):
    from isc.models import AuthSession

    user = make_user()
    sign_in(user)

    db.session.execute(sa.delete(AuthSession).where(AuthSession.user_id == user.id))
    db.session.commit()

    assert not is_signed_in(client)


# --- Cookie flags --------------------------------------------------------------------------------


def _session_set_cookie(response, name: str) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert headers, response.headers
    return headers[-1]


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user, submit):
    user = make_user()

    response = submit("/connexion", {"login": user.username, "password": DEFAULT_PASSWORD})

    header = _session_set_cookie(response, COOKIE)
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header  # http://localhost in the tests


@pytest.mark.settings(BASE_URL="https://isc.example.fr")
def test_session_cookie_is_secure_when_isc_is_served_over_https(client, make_user):
    user = make_user()
    page = client.get("https://isc.example.fr/connexion")
    token = csrf_token_of(page.get_data(as_text=True))

    response = client.post(
        "https://isc.example.fr/connexion",
        data={"csrf_token": token, "login": user.username, "password": DEFAULT_PASSWORD},
        headers={"Referer": "https://isc.example.fr/connexion"},
    )

    assert response.status_code == 303
    header = _session_set_cookie(response, "__Host-isc")
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Path=/" in header
    assert "Domain=" not in header
