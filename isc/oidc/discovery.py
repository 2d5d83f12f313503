"""The provider's metadata (OpenID Connect Discovery 1.0, RFC 8414)."""

from flask import url_for

from isc import claims
from isc.models.oidc import ALL_SCOPES
from isc.oidc import id_tokens
from isc.oidc.code_flow import (
    ASSERTION_ALGORITHMS,
    AUTH_METHODS,
    CONFIDENTIAL_AUTH_METHODS,
)


def metadata() -> dict:
    issuer = id_tokens.issuer()

    def endpoint(name: str) -> str:
        return issuer + url_for(name)

    return {
        "issuer": issuer,
        "authorization_endpoint": endpoint("oidc.authorize"),
        "token_endpoint": endpoint("oidc.token"),
        "userinfo_endpoint": endpoint("oidc.userinfo"),
        "jwks_uri": endpoint("oidc.jwks"),
        "end_session_endpoint": endpoint("oidc.end_session"),
        "revocation_endpoint": endpoint("oidc.revoke"),
        "introspection_endpoint": endpoint("oidc.introspect"),
        "scopes_supported": list(ALL_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(id_tokens.SIGNING_ALGORITHMS),
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": ASSERTION_ALGORITHMS,
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": CONFIDENTIAL_AUTH_METHODS,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": claims.CLAIMS_SUPPORTED,
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": True,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "require_request_uri_registration": False,
        "acr_values_supported": list(claims.ACR_VALUES),
        "prompt_values_supported": ["none", "login", "consent"],
        "display_values_supported": ["page"],
        "ui_locales_supported": ["fr-FR"],
        "claims_locales_supported": ["fr-FR"],
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": False,
    }
