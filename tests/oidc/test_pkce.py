"""PKCE (RFC 7636, RFC 9700 2.1.1): S256 only, honoured for every client, required for public
clients; missing, wrong or unexpected verifiers are invalid grants."""

import pytest

from tests.oidc.rp import pkce_pair


def test_s256_succeeds(rp):
    attempt = rp.authorize()

    assert rp.exchange(attempt).status_code == 200


def test_missing_verifier_after_a_challenge_is_an_invalid_grant(rp):
    attempt = rp.authorize()

    response = rp.exchange(attempt, verifier=None)

    assert response.get_json()["error"] == "invalid_grant"


def test_wrong_verifier_is_an_invalid_grant(rp):
    attempt = rp.authorize()

    response = rp.exchange(attempt, verifier=pkce_pair()[0])

    assert response.get_json()["error"] == "invalid_grant"


def test_verifier_without_a_challenge_is_refused_as_a_downgrade(rp):
    """RFC 9700 4.8.2: an attacker who stripped the challenge must not succeed."""
    attempt = rp.authorize(pkce=False)

    response = rp.exchange(attempt, verifier=pkce_pair()[0])

    assert response.get_json()["error"] == "invalid_grant"


def test_confidential_client_may_go_without_pkce(rp):
    attempt = rp.authorize(pkce=False)

    assert rp.exchange(attempt, verifier=None).status_code == 200


def test_plain_method_is_refused(rp):
    verifier, _ = pkce_pair()

    attempt = rp.authorize(code_challenge=verifier, code_challenge_method="plain")

    assert attempt.result["error"] == "invalid_request"


def test_challenge_without_method_is_refused_rather_than_taken_as_plain(rp):
    attempt = rp.authorize(code_challenge_method=None)

    assert attempt.result["error"] == "invalid_request"


@pytest.fixture
def public_rp(make_service, make_rp, signed_in, user):
    return make_rp(make_service(public=True), signed_in(user))


def test_public_client_with_pkce_succeeds(public_rp):
    assert public_rp.service.secret is None
    tokens = public_rp.sign_in_and_get_tokens()

    assert tokens["refresh_token"]


def test_public_client_without_challenge_is_refused_at_authorization(public_rp):
    attempt = public_rp.authorize(pkce=False)

    assert attempt.result["error"] == "invalid_request"


def test_public_client_without_verifier_is_refused_at_the_token_endpoint(public_rp):
    attempt = public_rp.authorize()

    response = public_rp.exchange(attempt, verifier=None)

    assert response.get_json()["error"] == "invalid_grant"


def test_public_client_cannot_pretend_to_hold_a_secret(public_rp):
    attempt = public_rp.authorize()

    response = public_rp.token_request(
        {
            "grant_type": "authorization_code",
            "code": attempt.code,
            "redirect_uri": public_rp.redirect_uri,
            "code_verifier": attempt.verifier,
        },
        auth="post",
        secret="a-guessed-secret",
    )

    assert response.get_json()["error"] == "invalid_client"


def test_discovery_advertises_s256_only(client):
    assert client.get("/.well-known/openid-configuration").get_json()[
        "code_challenge_methods_supported"
    ] == ["S256"]
