"""The endpoints besides authorization and token, as Authlib runs them: userinfo (with the
bearer token in the header or, for POST, in the body), introspection (RFC 7662), revocation
(RFC 7009) and RP-initiated logout."""

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import (
    InvalidRequestError,
    MissingAuthorizationError,
    UnsupportedTokenTypeError,
)
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.core import UserInfoEndpoint
from authlib.oidc.rpinitiated import EndSessionEndpoint
from flask import request as flask_request
from flask_login import current_user

from isc import claims, grants, oidc_keys
from isc.auth_sessions import close_session
from isc.models import User
from isc.oidc import id_tokens
from isc.oidc.adapters import IssuedToken
from isc.oidc.code_flow import AUTH_METHODS, CONFIDENTIAL_AUTH_METHODS


class AccessTokenValidator(BearerTokenValidator):
    TOKEN_TYPE = "bearer"  # matched case-insensitively against the Authorization scheme

    def authenticate_token(self, token_string: str):
        row = grants.find_access_token(token_string)
        return IssuedToken("access_token", row) if row is not None else None


class BearerTokenMissing(OAuth2Error):
    """No bearer token (RFC 6750 section 3.1: a challenge, without error code)."""

    error = "invalid_request"
    description = "A bearer access token is required."
    status_code = 401

    def get_headers(self):
        return [*super().get_headers(), ("WWW-Authenticate", 'Bearer realm="isc"')]


class BearerProtector(ResourceProtector):
    """Bearer tokens from the Authorization header, or from a form-encoded POST body
    (RFC 6750 section 2.2), as the userinfo endpoint must accept."""

    def parse_request_authorization(self, request):
        try:
            return self._token_of(request)
        except (MissingAuthorizationError, UnsupportedTokenTypeError):
            raise BearerTokenMissing() from None

    def _token_of(self, request):
        if (
            "Authorization" not in request.headers
            and flask_request.method == "POST"
            and flask_request.mimetype == "application/x-www-form-urlencoded"
            and flask_request.form.get("access_token")
        ):
            return self.get_token_validator("bearer"), flask_request.form["access_token"]
        return super().parse_request_authorization(request)


def bearer_protector() -> BearerProtector:
    protector = BearerProtector()
    protector.register_token_validator(AccessTokenValidator(realm="isc"))
    return protector


class UserInfo(UserInfoEndpoint):
    def generate_user_info(self, user: User, scope: str) -> dict:
        return claims.claims_for(user, scope.split())

    def get_issuer(self) -> str:
        return id_tokens.issuer()


class Introspection(IntrospectionEndpoint):
    """A service introspects the tokens issued to it (its API receives them)."""

    CLIENT_AUTH_METHODS = CONFIDENTIAL_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None):
        found = grants.find_token(token_string, token_type_hint)
        return IssuedToken(*found) if found else None

    def check_permission(self, token: IssuedToken, client, request) -> bool:
        return token.check_client(client)

    def introspect_token(self, token: IssuedToken) -> dict:
        row = token.row
        family = row.family
        expires = row.access_expires_at if token.kind == "access_token" else row.refresh_expires_at
        return {
            "active": True,
            "scope": row.scope,
            "client_id": family.service.client_id,
            "username": family.user.username,
            "token_type": "Bearer" if token.kind == "access_token" else "refresh_token",
            "exp": int(expires.timestamp()),
            "iat": int(row.issued_at.timestamp()),
            "sub": claims.subject(family.user),
            "aud": family.service.client_id,
            "iss": id_tokens.issuer(),
            "auth_time": int(family.auth_time.timestamp()),
            "acr": family.acr,
        }


class Revocation(RevocationEndpoint):
    """Revoking a refresh token revokes its whole family; an access token, itself."""

    CLIENT_AUTH_METHODS = AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None):
        found = grants.find_token(token_string, token_type_hint)
        return IssuedToken(*found) if found else None

    def revoke_token(self, token: IssuedToken, request) -> None:
        if token.kind == "refresh_token":
            grants.revoke_family(token.row.family, "revoked_by_client")
        else:
            grants.revoke_access_token(token.row)


class EndSession(EndSessionEndpoint):
    """RP-initiated logout: ends the ISC session (hence every service's, by back channel)."""

    def get_server_jwks(self):
        return oidc_keys.verification_keys()

    def get_algorithms(self) -> list[str]:
        return list(id_tokens.SIGNING_ALGORITHMS)

    def validate_request(self, request):
        validated = super().validate_request(request)
        hint = validated.id_token_claims
        if hint is not None and hint.get("iss") != id_tokens.issuer():
            raise InvalidRequestError("The id_token_hint was not issued by this provider.")
        return validated

    def end_session(self, end_session_request) -> None:
        if current_user.is_authenticated:
            close_session("rp_logout")
