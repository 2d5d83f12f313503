"""Client authentication at the token endpoint: secrets (hashed, shown once, rotated),
private_key_jwt (RFC 7523, each assertion once), and none for public clients."""

import secrets
import time

import pytest
import sqlalchemy as sa
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from isc import services
from isc.models import ClientAuthMethod, Service
from tests.oidc.rp import ISSUER


def test_secrets_are_stored_hashed(service, db):
    stored = db.session.scalar(sa.select(Service.client_secret_hash))

    assert service.secret not in stored
    assert stored.startswith("sha256:")


def test_rotating_the_secret_stops_the_old_one(rp, db, service):
    old = service.secret
    new = services.rotate_secret(service)
    db.session.commit()

    attempt = rp.authorize()
    assert (
        rp.token_request(
            {
                "grant_type": "authorization_code",
                "code": attempt.code,
                "redirect_uri": rp.redirect_uri,
                "code_verifier": attempt.verifier,
            },
            secret=old,
        ).status_code
        == 401
    )
    attempt = rp.authorize()
    assert (
        rp.token_request(
            {
                "grant_type": "authorization_code",
                "code": attempt.code,
                "redirect_uri": rp.redirect_uri,
                "code_verifier": attempt.verifier,
            },
            secret=new,
        ).status_code
        == 200
    )


@pytest.fixture
def client_key():
    return RSAKey.generate_key(2048, private=True, auto_kid=True)


@pytest.fixture
def jwt_service(make_service, client_key):
    return make_service(
        auth_method=ClientAuthMethod.PRIVATE_KEY_JWT,
        jwks={"keys": [client_key.as_dict(private=False)]},
    )


def _assertion(service, key, **overrides):
    now = int(time.time())
    claims = {
        "iss": service.client_id,
        "sub": service.client_id,
        "aud": ISSUER + "/oidc/token",
        "iat": now,
        "exp": now + 60,
        "jti": secrets.token_urlsafe(8),
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def _exchange_with_assertion(rp, attempt, assertion):
    return rp.backend.post(
        "/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": attempt.code,
            "redirect_uri": rp.redirect_uri,
            "code_verifier": attempt.verifier,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
    )


def test_private_key_jwt_succeeds(make_rp, jwt_service, client_key, signed_in, user):
    assert jwt_service.secret is None
    rp = make_rp(jwt_service, signed_in(user))
    attempt = rp.authorize()

    response = _exchange_with_assertion(rp, attempt, _assertion(jwt_service, client_key))

    assert response.status_code == 200, response.get_json()
    rp.id_token_claims(response.get_json()["id_token"])


def test_private_key_jwt_with_the_issuer_as_audience(
    make_rp, jwt_service, client_key, signed_in, user
):
    rp = make_rp(jwt_service, signed_in(user))

    response = _exchange_with_assertion(
        rp, rp.authorize(), _assertion(jwt_service, client_key, aud=ISSUER)
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "https://elsewhere.example/token"},
        {"exp": int(time.time()) - 600},
        {"iss": "someone-else"},
        {"jti": None},
    ],
)
def test_private_key_jwt_with_wrong_claims_is_refused(
    make_rp, jwt_service, client_key, signed_in, user, change
):
    rp = make_rp(jwt_service, signed_in(user))

    response = _exchange_with_assertion(
        rp, rp.authorize(), _assertion(jwt_service, client_key, **change)
    )

    assert response.get_json()["error"] == "invalid_client"


def test_private_key_jwt_signed_by_another_key_is_refused(make_rp, jwt_service, signed_in, user):
    rp = make_rp(jwt_service, signed_in(user))
    stranger = RSAKey.generate_key(2048, private=True, auto_kid=True)

    response = _exchange_with_assertion(rp, rp.authorize(), _assertion(jwt_service, stranger))

    assert response.get_json()["error"] == "invalid_client"


def test_a_client_assertion_works_once(make_rp, jwt_service, client_key, signed_in, user):
    rp = make_rp(jwt_service, signed_in(user))
    assertion = _assertion(jwt_service, client_key)
    assert _exchange_with_assertion(rp, rp.authorize(), assertion).status_code == 200

    replay = _exchange_with_assertion(rp, rp.authorize(), assertion)

    assert replay.get_json()["error"] == "invalid_client"


def test_a_private_key_jwt_service_cannot_use_a_secret(make_rp, jwt_service, signed_in, user):
    rp = make_rp(jwt_service, signed_in(user))

    response = rp.exchange(rp.authorize(), auth="post")

    assert response.get_json()["error"] == "invalid_client"


def test_alg_none_assertion_is_refused(make_rp, jwt_service, signed_in, user):
    import base64
    import json

    rp = make_rp(jwt_service, signed_in(user))

    def b64(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    unsigned = (
        b64({"alg": "none"})
        + "."
        + b64(
            {
                "iss": jwt_service.client_id,
                "sub": jwt_service.client_id,
                "aud": ISSUER,
                "exp": now + 60,
                "jti": "x",
            }
        )
        + "."
    )
    assert (
        _exchange_with_assertion(rp, rp.authorize(), unsigned).get_json()["error"]
        == "invalid_client"
    )


def test_private_key_jwt_needs_public_keys():
    with pytest.raises(services.ServiceError):
        services.create_service(
            name="X",
            redirect_uris=["https://x.example.fr/cb"],
            auth_method=ClientAuthMethod.PRIVATE_KEY_JWT,
        )


def test_a_jwks_with_private_keys_is_refused(app):
    private = ECKey.generate_key("P-256", private=True).as_dict(private=True)

    with pytest.raises(services.ServiceError):
        services.create_service(
            name="X",
            redirect_uris=["https://x.example.fr/cb"],
            auth_method=ClientAuthMethod.PRIVATE_KEY_JWT,
            jwks={"keys": [private]},
        )


def test_unknown_client_at_the_token_endpoint(rp):
    response = rp.backend.post(
        "/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": "x",
            "client_id": "nobody",
            "client_secret": "x",
        },
    )

    assert response.get_json()["error"] == "invalid_client"
