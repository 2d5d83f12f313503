"""Conformance suite, config plan: the discovery document and the JWKS."""

import pytest
from joserfc.jwk import KeySet

from tests.oidc.rp import ISSUER


@pytest.fixture
def metadata(client):
    response = client.get("/.well-known/openid-configuration")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_issuer_is_the_url_discovery_was_fetched_from(metadata):
    assert metadata["issuer"] == ISSUER
    assert (
        ISSUER + "/.well-known/openid-configuration"
        == "http://localhost/.well-known/openid-configuration"
    )


@pytest.mark.settings(OIDC_ISSUER="https://isc.example.fr")
def test_issuer_comes_from_the_configuration_not_the_request(client):
    metadata = client.get(
        "/.well-known/openid-configuration", headers={"Host": "evil.example"}
    ).get_json()

    assert metadata["issuer"] == "https://isc.example.fr"
    assert metadata["token_endpoint"] == "https://isc.example.fr/oidc/token"


def test_endpoints_are_listed_under_the_issuer(metadata):
    for name in (
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "end_session_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
    ):
        assert metadata[name].startswith(ISSUER + "/"), name


def test_required_and_recommended_members_are_well_formed(metadata):
    assert "openid" in metadata["scopes_supported"]
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["subject_types_supported"] == ["public"]
    assert set(metadata["id_token_signing_alg_values_supported"]) == {"RS256", "ES256"}
    assert "none" not in metadata["id_token_signing_alg_values_supported"]
    assert metadata["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert {"sub", "email", "name", "isc_company", "isc_role", "acr", "auth_time"} <= set(
        metadata["claims_supported"]
    )
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert set(metadata["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none",
    }
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert metadata["request_parameter_supported"] is False
    assert metadata["request_uri_parameter_supported"] is False
    assert metadata["claims_parameter_supported"] is True
    assert metadata["backchannel_logout_supported"] is True
    assert metadata["backchannel_logout_session_supported"] is True
    assert "acr_values_supported" in metadata


def test_the_endpoints_discovery_names_answer(client, metadata):
    for name, expected in (("jwks_uri", 200), ("userinfo_endpoint", 401)):
        assert client.get(metadata[name].removeprefix(ISSUER)).status_code == expected, name
    assert client.post(metadata["token_endpoint"].removeprefix(ISSUER)).status_code == 400


def test_jwks_keys_have_kid_use_and_alg_and_no_private_part(client):
    jwks = client.get("/oidc/jwks").get_json()

    assert {key["alg"] for key in jwks["keys"]} == {"RS256", "ES256"}
    for key in jwks["keys"]:
        assert key["kid"] and key["use"] == "sig"
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
    assert len({key["kid"] for key in jwks["keys"]}) == len(jwks["keys"])
    KeySet.import_key_set(jwks)


def test_discovery_and_jwks_may_be_read_by_browser_applications(client):
    response = client.get("/oidc/jwks")

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in response.headers["Cache-Control"]
