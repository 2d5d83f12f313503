"""Introspection (RFC 7662) for the services' APIs and revocation (RFC 7009)."""

from tests.oidc.rp import basic_auth


def test_introspection_describes_an_active_access_token(rp, user):
    tokens = rp.sign_in_and_get_tokens(scope="openid email")

    info = rp.introspect(tokens["access_token"]).get_json()

    assert info["active"] is True
    assert info["scope"] == "openid email"
    assert info["client_id"] == rp.service.client_id
    assert info["sub"] == user.public_id
    assert info["username"] == user.username
    assert info["token_type"] == "Bearer"
    assert info["iss"] == "http://localhost"
    assert info["exp"] > info["iat"]


def test_introspection_of_a_refresh_token(rp):
    tokens = rp.sign_in_and_get_tokens()

    info = rp.introspect(tokens["refresh_token"], token_type_hint="refresh_token").get_json()

    assert info["active"] is True and info["token_type"] == "refresh_token"


def test_a_service_cannot_introspect_another_service_tokens(rp, make_service, make_rp):
    tokens = rp.sign_in_and_get_tokens()
    other = make_rp(make_service())

    assert other.introspect(tokens["access_token"]).get_json() == {"active": False}


def test_introspection_requires_client_authentication(rp):
    tokens = rp.sign_in_and_get_tokens()

    response = rp.backend.post("/oidc/introspect", data={"token": tokens["access_token"]})

    assert response.status_code in (400, 401)
    assert response.get_json()["error"] == "invalid_client"


def test_public_clients_cannot_introspect(make_service, make_rp, signed_in, user):
    rp = make_rp(make_service(public=True), signed_in(user))
    tokens = rp.sign_in_and_get_tokens()

    response = rp.backend.post(
        "/oidc/introspect",
        data={"token": tokens["access_token"], "client_id": rp.service.client_id},
    )

    assert response.get_json()["error"] == "invalid_client"


def test_unknown_tokens_are_inactive(rp):
    assert rp.introspect("made-up").get_json() == {"active": False}


def test_revoking_an_access_token(rp):
    tokens = rp.sign_in_and_get_tokens()

    assert rp.revoke(tokens["access_token"]).status_code == 200

    assert rp.userinfo(tokens["access_token"]).status_code == 401
    assert rp.refresh(tokens["refresh_token"]).status_code == 200


def test_revoking_a_refresh_token_revokes_the_whole_grant(rp):
    tokens = rp.sign_in_and_get_tokens()

    assert rp.revoke(tokens["refresh_token"], token_type_hint="refresh_token").status_code == 200

    assert rp.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert rp.userinfo(tokens["access_token"]).status_code == 401


def test_revoking_an_unknown_token_answers_200(rp):
    assert rp.revoke("made-up").status_code == 200


def test_a_public_client_revokes_its_own_tokens(make_service, make_rp, signed_in, user):
    rp = make_rp(make_service(public=True), signed_in(user))
    tokens = rp.sign_in_and_get_tokens()

    assert rp.revoke(tokens["refresh_token"]).status_code == 200
    assert rp.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_a_service_cannot_revoke_another_service_tokens(rp, make_service, make_rp):
    tokens = rp.sign_in_and_get_tokens()
    other = make_rp(make_service())

    response = other.revoke(tokens["access_token"])

    assert response.status_code == 400
    assert rp.userinfo(tokens["access_token"]).status_code == 200


def test_revocation_requires_the_client_credentials(rp):
    tokens = rp.sign_in_and_get_tokens()

    response = rp.backend.post(
        "/oidc/revoke",
        data={"token": tokens["access_token"]},
        headers=basic_auth(rp.service.client_id, "wrong"),
    )

    assert response.status_code == 401
    assert rp.userinfo(tokens["access_token"]).status_code == 200
