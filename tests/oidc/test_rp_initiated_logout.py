"""Conformance suite, RP-initiated logout plan: sign-out from a service, post-logout redirect
only to a registered URI and only with a valid ID token hint."""

import base64
import json
from urllib.parse import urlencode, urlsplit

import pytest

from tests.conftest import csrf_token_of
from tests.oidc.rp import query_of

LOGOUT = "/oidc/logout"


def _logout(rp, **params):
    return rp.browser.get(
        f"{LOGOUT}?{urlencode({k: v for k, v in params.items() if v is not None})}"
    )


def _signed_in(rp) -> bool:
    return rp.browser.get("/tableau-de-bord").status_code == 200


def test_logout_with_a_valid_hint_returns_to_the_registered_uri_with_state(rp, service):
    tokens = rp.sign_in_and_get_tokens()

    response = _logout(
        rp,
        id_token_hint=tokens["id_token"],
        state="xyz",
        post_logout_redirect_uri=service.post_logout_redirect_uris[0],
    )

    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(service.post_logout_redirect_uris[0] + "?")
    assert query_of(location)["state"] == "xyz"
    assert not _signed_in(rp)


def test_after_logout_prompt_none_fails(rp, service):
    tokens = rp.sign_in_and_get_tokens()
    _logout(
        rp,
        id_token_hint=tokens["id_token"],
        post_logout_redirect_uri=service.post_logout_redirect_uris[0],
    )

    assert rp.authorize(prompt="none").result["error"] == "login_required"


def test_logout_ends_the_tokens_of_the_session(rp, service):
    tokens = rp.sign_in_and_get_tokens()

    _logout(rp, id_token_hint=tokens["id_token"])

    assert rp.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_logout_with_client_id_and_hint(rp, service):
    tokens = rp.sign_in_and_get_tokens()

    response = _logout(
        rp,
        id_token_hint=tokens["id_token"],
        client_id=service.client_id,
        post_logout_redirect_uri=service.post_logout_redirect_uris[0],
    )

    assert response.status_code == 302


def test_logout_by_post_continues_as_get(rp, service):
    tokens = rp.sign_in_and_get_tokens()

    response = rp.browser.post(
        LOGOUT,
        data={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": service.post_logout_redirect_uris[0],
        },
    )
    assert response.status_code == 303
    response = rp.browser.get(response.headers["Location"])

    assert response.headers["Location"].startswith(service.post_logout_redirect_uris[0])


@pytest.mark.parametrize(
    "uri",
    [
        "https://evil.example/au-revoir",
        "{registered}?next=https://evil.example",
        "{registered}/",
        "{registered}#x",
    ],
)
def test_an_unregistered_or_modified_post_logout_uri_is_never_followed(rp, service, uri):
    tokens = rp.sign_in_and_get_tokens()

    response = _logout(
        rp,
        id_token_hint=tokens["id_token"],
        state="s",
        post_logout_redirect_uri=uri.format(registered=service.post_logout_redirect_uris[0]),
    )

    assert response.status_code == 200
    assert "Location" not in response.headers
    assert "Vous êtes déconnecté" in response.get_data(as_text=True)


def test_without_hint_the_person_confirms_and_is_not_redirected(rp, service):
    rp.sign_in_and_get_tokens()

    page = _logout(
        rp,
        post_logout_redirect_uri=service.post_logout_redirect_uris[0],
        state="s",
        client_id=service.client_id,
    )

    assert page.status_code == 200
    assert "Se déconnecter d'Industriels Santé Connect ?" in page.get_data(as_text=True)
    assert _signed_in(rp)
    confirmed = rp.browser.post(
        f"{LOGOUT}/confirm",
        data={
            "csrf_token": csrf_token_of(page.get_data(as_text=True)),
            "post_logout_redirect_uri": service.post_logout_redirect_uris[0],
            "state": "s",
        },
    )
    assert confirmed.status_code == 200
    assert "Location" not in confirmed.headers
    assert not _signed_in(rp)


def test_the_confirmation_is_protected_against_forgery(rp):
    rp.sign_in_and_get_tokens()

    response = rp.browser.post(f"{LOGOUT}/confirm", data={})

    assert response.status_code == 400
    assert _signed_in(rp)


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _alg_none(token: str) -> str:
    payload = token.split(".")[1]
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    return f"{header}.{payload}."


@pytest.mark.parametrize("spoil", [_tampered, _alg_none, lambda token: "not-a-jwt"])
def test_a_bad_hint_gets_an_error_page_and_no_redirect(rp, service, spoil):
    tokens = rp.sign_in_and_get_tokens()

    response = _logout(
        rp,
        id_token_hint=spoil(tokens["id_token"]),
        post_logout_redirect_uri=service.post_logout_redirect_uris[0],
        state="s",
    )

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "La demande de déconnexion n'est pas valide" in response.get_data(as_text=True)
    assert _signed_in(rp)


def test_a_hint_for_another_client_than_client_id_is_refused(rp, service, make_service):
    tokens = rp.sign_in_and_get_tokens()
    other = make_service()

    response = _logout(
        rp,
        id_token_hint=tokens["id_token"],
        client_id=other.client_id,
        post_logout_redirect_uri=other.post_logout_redirect_uris[0],
    )

    assert response.status_code == 400
    assert _signed_in(rp)


def test_a_hint_of_someone_else_asks_for_confirmation(rp, make_rp, make_user, signed_in, service):
    rp.sign_in_and_get_tokens()
    other_hint = make_rp(service, signed_in(make_user())).sign_in_and_get_tokens()["id_token"]

    response = _logout(
        rp, id_token_hint=other_hint, post_logout_redirect_uri=service.post_logout_redirect_uris[0]
    )

    assert response.status_code == 200
    assert "Se déconnecter d'Industriels Santé Connect ?" in response.get_data(as_text=True)
    assert _signed_in(rp)


@pytest.mark.settings(OIDC_ID_TOKEN_TTL=-10)
def test_an_expired_hint_is_still_accepted(rp, service):
    id_token = rp.exchange(rp.authorize()).get_json()["id_token"]  # expired as soon as issued

    response = _logout(
        rp, id_token_hint=id_token, post_logout_redirect_uri=service.post_logout_redirect_uris[0]
    )

    assert response.status_code == 302


def test_logout_without_a_session_with_a_valid_hint_still_returns(rp, service, make_rp):
    tokens = rp.sign_in_and_get_tokens()
    elsewhere = make_rp(service)  # another browser, signed in nowhere

    response = _logout(
        elsewhere,
        id_token_hint=tokens["id_token"],
        post_logout_redirect_uri=service.post_logout_redirect_uris[0],
    )

    assert response.status_code == 302
    assert (
        urlsplit(response.headers["Location"]).netloc
        == urlsplit(service.post_logout_redirect_uris[0]).netloc
    )
