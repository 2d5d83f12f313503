"""The provider's machine-to-machine endpoints: discovery, JWKS, token, userinfo,
revocation, introspection. Services call them directly (no cookie, no CSRF token)."""

from flask import jsonify

from isc import oidc_keys
from isc.extensions import csrf, db
from isc.oidc import authorization_server, blueprint, discovery


def _public_json(document: dict):
    response = jsonify(document)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.route("/.well-known/openid-configuration")
@blueprint.route("/.well-known/oauth-authorization-server")
def configuration():
    return _public_json(discovery.metadata())


@blueprint.route("/oidc/jwks")
def jwks():
    return _public_json(oidc_keys.published_jwks())


@blueprint.route("/oidc/token", methods=["POST"])
@csrf.exempt
def token():
    oidc_keys.key_ring()  # load (or create) the keys before this request writes anything
    response = authorization_server().create_token_response()
    db.session.commit()  # also what a refused request revoked (code or refresh-token reuse)
    return response


@blueprint.route("/oidc/userinfo", methods=["GET", "POST"])
@csrf.exempt
def userinfo():
    return authorization_server().create_endpoint_response("userinfo")


@blueprint.route("/oidc/revoke", methods=["POST"])
@csrf.exempt
def revoke():
    response = authorization_server().create_endpoint_response("revocation")
    db.session.commit()
    return response


@blueprint.route("/oidc/introspect", methods=["POST"])
@csrf.exempt
def introspect():
    response = authorization_server().create_endpoint_response("introspection")
    db.session.commit()  # private_key_jwt assertions spent
    return response
