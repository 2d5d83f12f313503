"""The Authlib authorization server of one app, with ISC's grants and endpoints."""

import secrets

from authlib.integrations.flask_oauth2 import AuthorizationServer
from flask import Flask, current_app

from isc.oidc.adapters import query_client
from isc.oidc.code_flow import (
    AuthorizationCodeGrant,
    AuthorizationRules,
    OpenIDConnect,
    PrivateKeyJWT,
    RefreshedIdToken,
    RefreshTokenGrant,
    S256CodeChallenge,
    save_token,
)
from isc.oidc.endpoints import (
    EndSession,
    Introspection,
    Revocation,
    UserInfo,
    bearer_protector,
)


def build_server(app: Flask) -> AuthorizationServer:
    server = AuthorizationServer()
    server.init_app(app, query_client=query_client, save_token=save_token)
    server.register_token_generator("default", generate_token)
    server.register_grant(
        AuthorizationCodeGrant,
        [AuthorizationRules(), S256CodeChallenge(required=True), OpenIDConnect()],
    )
    server.register_grant(RefreshTokenGrant, [RefreshedIdToken()])
    server.register_client_auth_method("private_key_jwt", PrivateKeyJWT())
    server.register_endpoint(Revocation)
    server.register_endpoint(Introspection)
    server.register_endpoint(UserInfo(resource_protector=bearer_protector()))
    server.register_endpoint(EndSession)
    return server


def generate_token(grant_type, client, user=None, scope=None, expires_in=None,
                   include_refresh_token=True) -> dict:
    """Opaque bearer tokens (256 random bits); refresh tokens with every grant."""
    token = {
        "token_type": "Bearer",
        "access_token": secrets.token_urlsafe(32),
        "expires_in": expires_in or current_app.config["OIDC_ACCESS_TOKEN_TTL"],
        "scope": client.get_allowed_scope(scope),
    }
    if include_refresh_token:
        token["refresh_token"] = secrets.token_urlsafe(48)
    return token
