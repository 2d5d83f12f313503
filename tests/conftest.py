"""Fixtures shared by the whole suite.

The suite runs on SQLite by default; set ISC_TEST_DATABASE_URL (PostgreSQL) and
ISC_TEST_REDIS_URL (a Redis database the suite may flush) to run it on the production stack.
The schema is built once per run by the project's own migrations; each test starts with empty
tables.

Under pytest-xdist (`make test` runs two workers), each worker has a database of its own (a
PostgreSQL database named after the given one plus `_gw<N>`, created when missing; its own
SQLite file) and a Redis database of its own (worker N uses the given number minus N).
"""

import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.serving import make_server

from isc import create_app
from isc.extensions import db as _db
from isc.extensions import limiter
from isc.models import Civility, Company, CompanyStatus, IdentifierType, OutboxMessage, Role, User, UserStatus
from isc.models.types import utcnow
from isc.passwords import hash_password

# "gw0", "gw1"... in a pytest-xdist worker; "" otherwise.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _worker_redis_url(url: str | None) -> str | None:
    if not url or not WORKER:
        return url
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) - int(WORKER.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{number % 16}"))


def _worker_database_url(url: str) -> str:
    """The worker's own PostgreSQL database next to `url`'s, created when missing."""
    if not WORKER or not url.startswith("postgresql"):
        return url
    given = sa.engine.make_url(url)
    name = f"{given.database}_{WORKER}"
    engine = sa.create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(10):
            with engine.connect() as connection:
                if connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
                    break
                try:
                    connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
                    break
                except sa.exc.OperationalError:  # template1 busy: another worker creating its own
                    time.sleep(0.2 * (attempt + 1))
    finally:
        engine.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


TEST_DATABASE_URL = os.environ.get("ISC_TEST_DATABASE_URL")
TEST_REDIS_URL = _worker_redis_url(os.environ.get("ISC_TEST_REDIS_URL"))
DEFAULT_PASSWORD = "correct horse battery staple"
# Files the app writes during the run (partner stand-in store, uploads): never instance/.
_SCRATCH = Path(tempfile.mkdtemp(prefix="isc-tests-"))
_PASSWORD_HASH = None  # hashing costs ~40 ms: hash the default password once per run


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The test database, migrated once to the latest schema."""
    url = _worker_database_url(TEST_DATABASE_URL) if TEST_DATABASE_URL else (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'isc-test.sqlite3'}")
    app = create_app(_base_config(url, redis_url=None))
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            # Start from nothing, whatever an earlier run of other code left behind.
            with _db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
    return url


def _base_config(database_url: str, redis_url: str | None) -> dict:
    return {
        "UBBLE_STANDIN_STORE": str(_SCRATCH / "ubble-standin.sqlite3"),
        "KBIS_UPLOAD_FOLDER": str(_SCRATCH / "kbis"),
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BASE_URL": "http://localhost",
        "MAIL_SERVER": None,
        "DEV_TOOLS": True,
    }


@pytest.fixture
def app_config(database_url) -> dict:
    """The settings of the test app; a test may change them before using `app`."""
    return _base_config(database_url, TEST_REDIS_URL)


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in an application context of its own.

    Without it, requests would reuse the test's context: its `g` (where Flask-Login caches the
    user) and its database session, hiding what a real server would do.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        _db.session.remove()
        _empty_tables()
    limiter.reset()
    connection = app.extensions["isc.redis"]
    if connection is not None:
        connection.flushdb()


def _empty_tables() -> None:
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


# --- Factories --------------------------------------------------------------------------------


@pytest.fixture
def make_company(db):
    counter = iter(range(1, 10_000))

    def make(**values) -> Company:
        from stdnum import luhn

        number = next(counter)
        base = f"{73282932 + number:08d}"
        values.setdefault("identifier_type", IdentifierType.SIREN)
        values.setdefault("identifier_value", base + luhn.calc_check_digit(base))
        values.setdefault("name", f"Entreprise {number}")
        values.setdefault("head_office_address", "1 rue de la Paix, 75002 Paris")
        values.setdefault("status", CompanyStatus.ACTIVE)
        company = Company(**values)
        db.session.add(company)
        db.session.commit()
        return company

    return make


@pytest.fixture
def make_user(db, make_company):
    """`make_user(role="salarie", password=..., status=...)`: a committed user."""
    counter = iter(range(1, 10_000))

    def make(role: str = "salarie", *, password: str | None = DEFAULT_PASSWORD, **values) -> User:
        global _PASSWORD_HASH
        number = next(counter)
        if "company" not in values:
            values["company"] = make_company()
        values.setdefault("username", f"user{number}")
        values.setdefault("email", f"user{number}@example.fr")
        values.setdefault("first_name", "Camille")
        values.setdefault("last_name", f"Martin{number}")
        values.setdefault("civility", Civility.MADAME)
        values.setdefault("phone", "+33123456789")
        values.setdefault("status", UserStatus.ACTIVE)
        if password is not None:  # as if set from the e-mailed link, which proves the address
            values.setdefault("email_verified_at", utcnow())
        if password == DEFAULT_PASSWORD:
            _PASSWORD_HASH = _PASSWORD_HASH or hash_password(DEFAULT_PASSWORD)
            values["password_hash"] = _PASSWORD_HASH
        elif password is not None:
            values["password_hash"] = hash_password(password)
        user = User(role=Role(role), **values)
        db.session.add(user)
        db.session.commit()
        return user

    return make


# --- Forms --------------------------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


@pytest.fixture
def submit(client):
    """`submit(url, data)`: GET the form page, then POST `data` with its CSRF token."""

    def post(url: str, data: dict, *, form_url: str | None = None, **kwargs):
        page = client.get(form_url or url)
        token = csrf_token_of(page.get_data(as_text=True))
        return client.post(url, data={"csrf_token": token, **data}, **kwargs)

    return post


@pytest.fixture
def sign_in(submit):
    """`sign_in(user)`: sign `user` in through the real form; returns the response."""

    def do(user: User, password: str = DEFAULT_PASSWORD):
        response = submit("/connexion", {"login": user.username, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)
        return response

    return do


# --- E-mail -------------------------------------------------------------------------------------


class Outbox:
    """The outbox as tests see it, with the queue drained on demand."""

    def __init__(self, app):
        self.app = app

    def run_jobs(self) -> None:
        """Run every queued job now (RQ mode); inline jobs have already run."""
        connection = self.app.extensions["isc.redis"]
        if connection is None:
            return
        from rq import SimpleWorker

        from isc.jobs import queue

        SimpleWorker([queue()], connection=connection).work(burst=True, with_scheduler=False)

    def messages(self, recipient: str | None = None) -> list[OutboxMessage]:
        _db.session.expire_all()
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient:
            query = query.where(OutboxMessage.recipient == recipient)
        return list(_db.session.scalars(query))

    def last(self, recipient: str | None = None) -> OutboxMessage:
        messages = self.messages(recipient)
        assert messages, f"no e-mail to {recipient or 'anyone'}"
        return messages[-1]

    @staticmethod
    def links(message: OutboxMessage) -> list[str]:
        return re.findall(r"https?://[^\s<>\"]+", message.text_body)


@pytest.fixture
def outbox(app) -> Outbox:
    return Outbox(app)


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    from tests.smtp_stand_in import SMTPStandIn

    server = SMTPStandIn()
    server.start()
    yield server
    server.stop()


def chromium_path() -> str | None:
    for candidate in (os.environ.get("ISC_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@contextmanager
def serve(wsgi_app, threaded: bool = True) -> Iterator[str]:
    """Serve `wsgi_app` on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=threaded)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
