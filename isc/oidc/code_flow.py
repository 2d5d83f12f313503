"""The authorization code flow as Authlib runs it: the grants (code, refresh token), PKCE,
the OpenID Connect extension (ID tokens) and the client authentication methods.

Each method only translates between Authlib and the service modules: which codes and tokens
are valid is decided in `isc.grants`, who may use a service in `isc.services`."""

import json
from datetime import timedelta

import sqlalchemy as sa
from authlib.oauth2.rfc6749 import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    grants,
)
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode
from authlib.oidc.core.errors import (
    RequestNotSupportedError,
    RequestURINotSupportedError,
)
from flask import url_for
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy.exc import IntegrityError

from isc import claims, services
from isc import grants as isc_grants
from isc.extensions import db
from isc.models import AssertionJti, ServiceUse
from isc.models.types import utcnow
from isc.oidc import id_tokens
from isc.oidc.adapters import IssuedToken

# Every client authentication method ISC accepts, tried in this order.
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
CONFIDENTIAL_AUTH_METHODS = AUTH_METHODS[:3]
# Signatures accepted on private_key_jwt client assertions (asymmetric only).
ASSERTION_ALGORITHMS = ["RS256", "ES256", "PS256"]


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def save_authorization_code(self, code: str, request) -> None:
        isc_grants.record_code(
            code,
            service=request.client.service,
            user=request.user,
            auth_session=request.isc_auth_session,
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope,
            nonce=request.payload.data.get("nonce"),
            code_challenge=request.payload.data.get("code_challenge"),
            code_challenge_method=request.payload.data.get("code_challenge_method"),
            acr=claims.acr_for(request.user),
            amr=claims.AMR_PASSWORD,
        )
        isc_grants.record_service_use(request.isc_auth_session, request.client.service,
                                      request.user)

    def query_authorization_code(self, code: str, client):
        return isc_grants.redeem_code(code, client.service)

    def delete_authorization_code(self, authorization_code) -> None:
        pass  # spent for good when redeemed

    def authenticate_user(self, authorization_code):
        user = authorization_code.user
        return user if services.may_use(user, authorization_code.service) else None


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation

    def authenticate_refresh_token(self, refresh_token: str):
        # A narrower scope may be asked for, never a wider one; checked before the token is
        # spent, so that a refused scope does not burn the family.
        requested = set((self.request.payload.scope or "").split())
        granted = isc_grants.refresh_token_scope(refresh_token)
        if requested and granted is not None and not requested <= set(granted.split()):
            raise InvalidScopeError()
        row = isc_grants.redeem_refresh_token(refresh_token, self.request.client.service)
        return IssuedToken("refresh_token", row) if row is not None else None

    def authenticate_user(self, refresh_token: IssuedToken):
        return refresh_token.row.family.user

    def revoke_old_credential(self, refresh_token: IssuedToken) -> None:
        pass  # spent when redeemed


def save_token(token: dict, request) -> None:
    """Authlib's save_token: keep the hashes of what the token endpoint hands out."""
    if request.payload.grant_type == "authorization_code":
        row = isc_grants.save_tokens(token, code=request.authorization_code)
    else:
        row = isc_grants.save_tokens(token, previous=request.refresh_token.row)
    request.isc_token = row


class AuthorizationRules:
    """Checks of the authorization request that Authlib leaves to the provider: no request
    objects, a well-formed `claims` parameter, query response mode, a lone `prompt=none`,
    PKCE for public clients; and the scopes the `claims` parameter adds."""

    def __call__(self, grant) -> None:
        grant.register_hook("after_validate_authorization_request_payload", self.validate)

    def validate(self, grant, _result) -> None:
        request = grant.request
        data = request.payload.data
        if data.get("request"):
            raise RequestNotSupportedError("Request objects are not supported.")
        if data.get("request_uri"):
            raise RequestURINotSupportedError("request_uri is not supported.")
        if data.get("response_mode", "query") != "query":
            raise InvalidRequestError("Only the query response mode is supported.")
        prompts = data.get("prompt", "").split()
        if "none" in prompts and len(prompts) > 1:
            raise InvalidRequestError("prompt=none cannot be combined with other values.")
        if len(data.get("nonce") or "") > 255:
            raise InvalidRequestError("The nonce is too long (255 characters at most).")
        max_age = data.get("max_age")
        if max_age is not None and not (max_age.isdigit() and len(max_age) < 10):
            raise InvalidRequestError("Invalid max_age.")
        service = request.client.service
        if service.is_public and not data.get("code_challenge"):
            raise InvalidRequestError("PKCE (code_challenge, S256) is required for public clients.")
        request.isc_claims = _parse_claims(data.get("claims"))
        implied = claims.scopes_for_claims(request.isc_claims, service.scopes)
        scopes = set(request.scope.split()) | implied
        request.scope = request.client.get_allowed_scope(" ".join(scopes))


def _parse_claims(value: str | None) -> dict | None:
    if not value:
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        raise InvalidRequestError("The claims parameter is not valid JSON.") from None
    if not isinstance(parsed, dict) or not all(
        isinstance(parsed.get(member, {}), dict | type(None)) for member in ("userinfo", "id_token")
    ):
        raise InvalidRequestError("Invalid claims parameter.")
    return parsed


class S256CodeChallenge(CodeChallenge):
    """PKCE with S256 only (`plain` refused), the method stated explicitly; a missing,
    unexpected (downgrade) or wrong code_verifier is an invalid_grant."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant, redirect_uri) -> None:
        data = grant.request.payload.data
        if data.get("code_challenge") and data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result) -> None:
        try:
            super().validate_code_verifier(grant, result)
        except InvalidRequestError as error:
            raise InvalidGrantError(error.description) from None


class OpenIDConnect(OpenIDCode):
    """ID tokens for the code grant. `prompt` and `max_age` are handled by the authorization
    view (it must know about ISC's sessions); nonces are the services' to check."""

    def __call__(self, grant) -> None:
        grant.register_hook("after_create_token_response", self.process_token)

    def exists_nonce(self, nonce, request) -> bool:
        return False

    def encode_id_token(self, token: dict, request) -> str:
        code = request.authorization_code
        family = request.isc_token.family
        return id_tokens.id_token(
            service=code.service, user=request.user, scope=token["scope"],
            auth_time=code.get_auth_time(), acr=code.acr, amr=code.amr, nonce=code.nonce,
            sid=_sid(family), access_token=token["access_token"],
        )


class RefreshedIdToken:
    """A new ID token with each refresh (same `auth_time` and `sid`, no `nonce`)."""

    def __call__(self, grant) -> None:
        grant.register_hook("after_create_token_response", self.process_token)

    def process_token(self, grant, response) -> None:
        _, token, _ = response
        if "openid" not in token.get("scope", "").split():
            return
        family = grant.request.isc_token.family
        token["id_token"] = id_tokens.id_token(
            service=family.service, user=family.user, scope=token["scope"],
            auth_time=int(family.auth_time.timestamp()), acr=family.acr, amr=family.amr,
            sid=_sid(family), access_token=token["access_token"],
        )


def _sid(family) -> str | None:
    if family.auth_session_id is None:
        return None
    return db.session.scalar(
        sa.select(ServiceUse.sid).where(
            ServiceUse.auth_session_id == family.auth_session_id,
            ServiceUse.service_id == family.service_id,
        )
    )


class PrivateKeyJWT(JWTBearerClientAssertion):
    """private_key_jwt (RFC 7523): the service signs an assertion with a key of its JWKS;
    each assertion is accepted once."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self):
        super().__init__(validate_jti=True, leeway=60)

    def get_audiences(self) -> list[str]:
        issuer = id_tokens.issuer()
        return [issuer, issuer + url_for("oidc.token")]

    def process_assertion_claims(self, assertion, resolve_key):
        try:
            token = jwt.decode(assertion, resolve_key, algorithms=ASSERTION_ALGORITHMS)
        except JoseError as error:
            raise InvalidClientError(description=error.description) from None
        self.verify_claims(token.claims)
        return token.claims

    def resolve_client_public_key(self, client):
        return KeySet.import_key_set(client.service.jwks or {"keys": []})

    def validate_jti(self, claims: dict, jti: str) -> bool:
        service = services.find_service(claims["sub"])
        now = utcnow()
        lifetime = max(0, int(claims["exp"]) - int(now.timestamp()))
        expires = now + timedelta(seconds=lifetime + self.leeway)
        db.session.execute(sa.delete(AssertionJti).where(AssertionJti.expires_at < now))
        try:
            with db.session.begin_nested():
                db.session.add(AssertionJti(service_id=service.id, jti=str(jti)[:255],
                                            expires_at=expires))
        except IntegrityError:
            return False
        return True
