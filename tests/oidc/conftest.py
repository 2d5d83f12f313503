"""Fixtures of the OpenID Connect tests: services, signed-in browsers and a relying party
driving ISC through the Flask test client.

For speed, these tests share one app (building one costs ~0.5 s: URL rules, templates), reset
between tests exactly as the suite's `app` fixture resets its own: settings restored, tables
emptied, throttling counters and Redis flushed, cached signing keys forgotten. Signing keys are
generated once per run (an RSA key takes ~100 ms) and stored again in each test's database."""

import copy

import flask
import pytest
from joserfc.jwk import ECKey, RSAKey

from isc import create_app, oidc_keys, services
from isc.auth_sessions import open_session
from isc.extensions import db as _db
from isc.extensions import limiter
from isc.models import ClientAuthMethod
from tests.conftest import (
    DEFAULT_PASSWORD,
    TEST_REDIS_URL,
    IsolatedClient,
    _base_config,
    _empty_tables,
    csrf_token_of,
    serve,
)
from tests.oidc.rp import RelyingParty


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "settings(**values): settings of the test app, e.g. OIDC_ACCESS_TOKEN_TTL=1"
    )


@pytest.fixture(scope="session")
def _shared_app(database_url):
    app = create_app(_base_config(database_url, TEST_REDIS_URL))
    app.test_client_class = IsolatedClient
    return app, copy.deepcopy(dict(app.config))


@pytest.fixture
def app(_shared_app, request):
    """The shared app, with the test's `settings` marker applied, in a clean state."""
    app, pristine = _shared_app
    app.config.clear()
    app.config.update(copy.deepcopy(pristine))
    marker = request.node.get_closest_marker("settings")
    if marker:
        app.config.update(marker.kwargs)
    with app.app_context():
        oidc_keys.forget_cached_keys()
        yield app
        _db.session.remove()
        _empty_tables()
    limiter.reset()
    connection = app.extensions["isc.redis"]
    if connection is not None:
        connection.flushdb()


@pytest.fixture(scope="session")
def _key_material():
    return {
        "RS256": RSAKey.generate_key(2048, private=True, auto_kid=True).as_dict(private=True),
        "ES256": ECKey.generate_key("P-256", private=True, auto_kid=True).as_dict(private=True),
    }


@pytest.fixture(autouse=True)
def signing_keys(app, _key_material):
    """ISC's signing keys, the same for every test of the run."""
    rows = [oidc_keys.store_key(jwk, alg) for alg, jwk in _key_material.items()]
    _db.session.commit()
    return rows


@pytest.fixture
def make_service(db):
    """`make_service(name=..., auth_method=..., **settings)`: a committed service; its
    `.secret` attribute holds the client secret (None for public clients)."""
    counter = iter(range(1, 10_000))

    def make(**values):
        number = next(counter)
        values.setdefault("name", f"Service {number}")
        values.setdefault("redirect_uris", [f"https://service{number}.example.fr/callback"])
        values.setdefault(
            "post_logout_redirect_uris", [f"https://service{number}.example.fr/au-revoir"]
        )
        values.setdefault("home_url", f"https://service{number}.example.fr/")
        values.setdefault("first_party", True)
        if values.pop("public", False):
            values["auth_method"] = ClientAuthMethod.NONE
        service, secret = services.create_service(**values)
        db.session.commit()
        service.secret = secret
        return service

    return make


@pytest.fixture
def browser(app):
    """A browser with nobody signed in."""
    return app.test_client()


@pytest.fixture
def sign_in_browser():
    """`sign_in_browser(browser, user)`: sign `user` in through /connexion."""

    def do(browser, user, password: str = DEFAULT_PASSWORD, path: str = "/connexion"):
        page = browser.get(path)
        assert page.status_code == 200, page.status_code
        response = browser.post(
            path,
            data={
                "csrf_token": csrf_token_of(page.get_data(as_text=True)),
                "login": user.username,
                "password": password,
            },
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        return response

    return do


@pytest.fixture
def signed_in(app):
    """`signed_in(user)`: a new browser where `user` has signed in. The session is opened
    directly (the sign-in form, tested in tests/portal, would cost a password hash per test);
    tests of a fresh sign-in use `sign_in_browser`."""

    def make(user, browser=None):
        browser = browser or app.test_client()
        with app.test_request_context("/connexion", method="POST"):
            open_session(user)
            _db.session.commit()
            cookie = app.session_interface.get_signing_serializer(app).dumps(dict(flask.session))
        browser.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        return browser

    return make


@pytest.fixture
def make_rp(app):
    """`make_rp(service, browser)`: a relying party for `service`, using `browser`."""

    def make(service, browser=None, **options):
        return RelyingParty(app, service, browser or app.test_client(), **options)

    return make


@pytest.fixture
def user(make_user):
    return make_user(
        "salarie",
        first_name="Camille",
        last_name="Martin",
        username="camille.martin",
        email="camille.martin@laboratoire.fr",
    )


@pytest.fixture
def service(make_service):
    return make_service(name="Plateforme Convergence")


@pytest.fixture
def rp(make_rp, service, signed_in, user):
    """A relying party of `service`, with `user` signed in to ISC in its browser."""
    return make_rp(service, signed_in(user))


@pytest.fixture
def live_isc(app):
    """ISC served on an ephemeral loopback port (its issuer and BASE_URL); returns its URL."""
    with serve(app) as url:
        app.config["BASE_URL"] = url
        yield url
