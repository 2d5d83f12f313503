"""RFC 9700 4.1 and 4.11: redirect URIs match exactly, and nothing ISC does can be used as an
open redirector: a request whose client or redirect URI is wrong gets an error page."""

from urllib.parse import urlencode

import pytest

REGISTERED = "https://convergence.example.fr/callback"


@pytest.fixture
def service(make_service):
    return make_service(
        name="Plateforme Convergence", redirect_uris=[REGISTERED, "http://127.0.0.1:8400/cb"]
    )


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/callback",  # unregistered
        REGISTERED + "?next=https://evil.example",  # added query
        REGISTERED + "#fragment",  # fragment
        REGISTERED + "/",  # trailing slash
        "https://convergence.example.fr:8443/callback",  # other port
        "https://convergence.example.fr/callback/../evil",  # path tricks
        "https://CONVERGENCE.example.fr/callback",  # case
        "http://convergence.example.fr/callback",  # scheme downgrade
        "https://convergence.example.fr.evil.example/callback",  # suffix
        "https://convergence.example.fr@evil.example/callback",  # userinfo
        "http://127.0.0.1:8401/cb",  # other loopback port
    ],
)
def test_a_redirect_uri_that_is_not_exactly_registered_gets_an_error_page(rp, redirect_uri):
    attempt = rp.authorize(redirect_uri=redirect_uri)

    assert attempt.response.status_code == 400
    assert "Location" not in attempt.response.headers
    assert "La demande de connexion n'est pas valide" in attempt.response.get_data(as_text=True)


def test_missing_redirect_uri_gets_an_error_page(rp):
    attempt = rp.authorize(redirect_uri=None)

    assert attempt.response.status_code == 400
    assert "Location" not in attempt.response.headers


@pytest.mark.parametrize("client_id", ["unknown-client", "", "x" * 300])
def test_an_unknown_client_never_redirects(browser, client_id):
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": "https://evil.example/cb",
            "response_type": "code",
            "scope": "openid",
            "state": "s",
        }
    )

    response = browser.get(f"/oidc/authorize?{query}")

    assert response.status_code == 400
    assert "Location" not in response.headers


def test_a_closed_service_never_redirects(rp, db, service):
    service.active = False
    db.session.commit()

    attempt = rp.authorize()

    assert attempt.response.status_code == 400


def test_errors_of_a_valid_client_and_uri_go_back_to_it(rp):
    attempt = rp.authorize(scope="openid", response_type="token")

    assert attempt.response.status_code == 302
    assert attempt.response.headers["Location"].startswith(REGISTERED + "?")


def test_a_registered_loopback_redirect_uri_works(rp):
    attempt = rp.authorize(redirect_uri="http://127.0.0.1:8400/cb")

    assert attempt.response.headers["Location"].startswith("http://127.0.0.1:8400/cb?code=")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "https:evil.example",
        "/%2F%2Fevil.example",
    ],
)
def test_the_sign_in_page_never_sends_to_another_site(app, make_user, target):
    from tests.conftest import DEFAULT_PASSWORD, csrf_token_of

    user = make_user()
    browser = app.test_client()
    page = browser.get("/connexion")

    response = browser.post(
        f"/connexion?{urlencode({'next': target})}",
        data={
            "csrf_token": csrf_token_of(page.get_data(as_text=True)),
            "login": user.username,
            "password": DEFAULT_PASSWORD,
        },
    )

    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize(
    "uri",
    [
        "http://convergence.example.fr/cb",  # http off loopback
        "https://convergence.example.fr/cb#x",
        "https://*.example.fr/cb",
        "javascript:alert(1)",
        "/relative",
    ],
)
def test_services_cannot_register_unsafe_redirect_uris(make_service, uri):
    from isc.services import ServiceError

    with pytest.raises(ServiceError):
        make_service(redirect_uris=[uri])
