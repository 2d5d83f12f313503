"""Fixtures of the portal tests: several browsers (test clients) at once, forms, links."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from isc.models import AuthSession, OutboxMessage, PasswordLink, User
from isc.models.types import utcnow
from tests.conftest import DEFAULT_PASSWORD, csrf_token_of

DASHBOARD = "/tableau-de-bord"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "settings(**values): settings of the test app, e.g. SESSION_IDLE_TIMEOUT=1"
    )


@pytest.fixture
def app_config(app_config, request):
    """The suite's test settings, plus those of the test's `settings` marker."""
    marker = request.node.get_closest_marker("settings")
    if marker:
        app_config.update(marker.kwargs)
    return app_config


@pytest.fixture
def make_client(app):
    """`make_client(ip="203.0.113.9")`: another browser, optionally from another address."""

    def make(ip: str | None = None):
        other = app.test_client()
        if ip:
            other.environ_base["REMOTE_ADDR"] = ip
        return other

    return make


@pytest.fixture
def submit_as():
    """`submit_as(client, url, data)`: GET the form page with `client`, POST with its token."""

    def post(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
        page = client.get(form_url or url)
        assert page.status_code == 200, page.status_code
        token = csrf_token_of(page.get_data(as_text=True))
        return client.post(url, data={"csrf_token": token, **data}, **kwargs)

    return post


@pytest.fixture
def signed_in_client(make_client, submit_as):
    """`signed_in_client(user)`: a new browser where `user` has signed in."""

    def make(user: User, password: str = DEFAULT_PASSWORD, ip: str | None = None):
        browser = make_client(ip)
        response = submit_as(browser, "/connexion", {"login": user.username, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)
        return browser

    return make


@pytest.fixture
def sign_out():
    """`sign_out(client)`: press the sign-out button of the dashboard's header."""

    def do(client):
        token = csrf_token_of(client.get(DASHBOARD).get_data(as_text=True))
        return client.post("/deconnexion", data={"csrf_token": token})

    return do


@pytest.fixture
def is_signed_in():
    """`is_signed_in(client)`: True when the dashboard answers, False when it sends the
    browser to the sign-in page."""

    def check(client) -> bool:
        response = client.get(DASHBOARD)
        if response.status_code == 200:
            return True
        assert response.status_code == 302, response.status_code
        assert urlsplit(response.headers["Location"]).path == "/connexion"
        return False

    return check


@pytest.fixture
def sessions_of(db):
    """`sessions_of(user)`: the user's server-side sessions, oldest first, fresh from the DB."""

    def read(user: User) -> list[AuthSession]:
        db.session.expire_all()
        return list(
            db.session.scalars(
                sa.select(AuthSession)
                .where(AuthSession.user_id == user.id)
                .order_by(AuthSession.id)
            )
        )

    return read


@pytest.fixture
def age_sessions(db):
    """`age_sessions(user, idle=..., age=...)`: pretend the user's sessions were last used
    `idle` ago and opened `age` ago (timedeltas), as if time had passed."""

    def move(user: User, *, idle: timedelta = timedelta(0), age: timedelta | None = None) -> None:
        now = utcnow()
        values = {"last_seen_at": now - idle, "created_at": now - (age or idle)}
        db.session.execute(
            sa.update(AuthSession).where(AuthSession.user_id == user.id).values(**values)
        )
        db.session.commit()

    return move


@pytest.fixture
def password_link_in(outbox):
    """`password_link_in(user)`: the path of the password link last e-mailed to `user`."""

    def find(user: User, message: OutboxMessage | None = None) -> str:
        message = message or outbox.last(user.email)
        links = [link for link in outbox.links(message) if "/mot-de-passe/definir/" in link]
        assert links, f"no password link in:\n{message.text_body}"
        return urlsplit(links[0]).path

    return find


@pytest.fixture
def expire_links(db):
    """`expire_links(user)`: make the user's password links expired, as if their time ran out."""

    def move(user: User) -> None:
        db.session.execute(
            sa.update(PasswordLink)
            .where(PasswordLink.user_id == user.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()

    return move
