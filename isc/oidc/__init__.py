"""The OpenID Connect provider: Authlib wiring only.

- `server`: the Authlib authorization server, its grants and endpoints;
- `adapters`: services and tokens as Authlib sees them;
- `code_flow`: the code and refresh-token grants, PKCE, ID tokens, client authentication;
- `endpoints`: userinfo, introspection, revocation, RP-initiated logout;
- `id_tokens`: the JWTs ISC signs, and the reading of ID token hints;
- `discovery`: the provider's metadata;
- `authorize`, `logout`, `routes`: the views;
- `backchannel`: the job delivering logout tokens;
- `cli`: `flask isc service ...` and `flask isc keys ...`.

The rules (who may use a service, consent, code and token lifetimes and revocation, claims)
live in `isc.services`, `isc.grants`, `isc.claims` and `isc.oidc_keys`.
"""

from flask import Blueprint, Flask, current_app

blueprint = Blueprint("oidc", __name__)


def init_app(app: Flask) -> None:
    """Build this app's authorization server and mount the provider's endpoints."""
    from isc.oidc import authorize, logout, routes  # noqa: F401 - their views join the blueprint
    from isc.oidc.server import build_server

    app.extensions["isc.oidc"] = build_server(app)
    app.register_blueprint(blueprint)


def authorization_server():
    return current_app.extensions["isc.oidc"]
