"""The JWTs ISC signs: ID tokens and back-channel logout tokens; and the reading of the ID
tokens services send back as hints (`id_token_hint`)."""

import secrets
import time

from authlib.oidc.core.util import create_half_hash
from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError

from isc import claims, oidc_keys
from isc.models import Service, User

SIGNING_ALGORITHMS = list(oidc_keys.ALGORITHMS)
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_TTL = 120


class InvalidHint(ValueError):
    """An ID token hint ISC did not issue, or that was tampered with."""


def issuer() -> str:
    """ISC's issuer identifier: OIDC_ISSUER, else BASE_URL."""
    return (current_app.config.get("OIDC_ISSUER") or current_app.config["BASE_URL"]).rstrip("/")


def sign(payload: dict, alg: str, typ: str | None = None) -> str:
    key = oidc_keys.signing_key(alg)
    header = {"alg": alg, "kid": key.kid}
    if typ:
        header["typ"] = typ
    return jwt.encode(header, payload, key, algorithms=[alg])


def id_token(
    *,
    service: Service,
    user: User,
    scope: str,
    auth_time: int,
    acr: str,
    amr: list[str],
    nonce: str | None = None,
    sid: str | None = None,
    access_token: str | None = None,
) -> str:
    """An ID token for `service` about `user`, with the claims of the granted `scope`."""
    alg = service.id_token_signed_response_alg
    now = int(time.time())
    payload = claims.claims_for(user, scope.split())
    payload.update(
        iss=issuer(),
        aud=service.client_id,
        iat=now,
        exp=now + current_app.config["OIDC_ID_TOKEN_TTL"],
        auth_time=auth_time,
        acr=acr,
        amr=list(amr),
    )
    if nonce:
        payload["nonce"] = nonce
    if sid:
        payload["sid"] = sid
    if access_token:
        payload["at_hash"] = create_half_hash(access_token, alg).decode()
    return sign(payload, alg)


def logout_token(service: Service, user: User, sid: str | None) -> str:
    """A back-channel logout token (OpenID Connect Back-Channel Logout 1.0, section 2.4)."""
    now = int(time.time())
    payload = {
        "iss": issuer(),
        "aud": service.client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_TTL,
        "jti": secrets.token_urlsafe(16),
        "sub": claims.subject(user),
        "events": {LOGOUT_EVENT: {}},
    }
    if sid:
        payload["sid"] = sid
    return sign(payload, service.id_token_signed_response_alg, typ="logout+jwt")


def read_hint(value: str) -> dict:
    """The claims of an ID token ISC issued (expired ones included, as the specifications
    allow for hints); `InvalidHint` if its signature, algorithm or issuer is wrong."""
    try:
        token = jwt.decode(value, oidc_keys.verification_keys(), algorithms=SIGNING_ALGORITHMS)
    except (JoseError, ValueError, TypeError) as error:
        raise InvalidHint(str(error)) from None
    if token.claims.get("iss") != issuer() or not isinstance(token.claims.get("sub"), str):
        raise InvalidHint("not issued by ISC")
    return dict(token.claims)
