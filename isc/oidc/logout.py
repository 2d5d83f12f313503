"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0).

With a valid `id_token_hint` naming the signed-in person, ISC signs them out at once (every
service used in the session is then logged out by the back channel) and returns to the
service's registered `post_logout_redirect_uri` with its `state`. Without one, or naming
someone else, the person confirms first, and ISC never redirects: an unregistered,
modified or unproven redirect URI is never followed. A bad hint (wrong signature, `alg=none`,
another issuer) gets an error page, from which the person may still sign out.
"""

from urllib.parse import urlencode

from authlib.oauth2 import OAuth2Error
from flask import redirect, render_template, request, url_for

from isc import claims
from isc.auth_sessions import close_session
from isc.extensions import csrf, db
from isc.oidc import authorization_server, blueprint
from isc.oidc.authorize import _signed_in

_NOT_FORWARDED = {"csrf_token"}


@blueprint.route("/oidc/logout", methods=["GET", "POST"])
@csrf.exempt
def end_session():
    if request.method == "POST":  # cross-site: continue as GET, which carries the cookie
        query = urlencode([(key, value) for key, value in request.form.items(multi=True)])
        return redirect(f"{url_for('oidc.end_session')}?{query}", 303)
    server = authorization_server()
    try:
        validated = server.validate_endpoint_request("end_session")
    except OAuth2Error as error:
        return render_template("oidc/logout_error.html", error=error, hidden=_hidden()), 400
    user, _ = _signed_in()
    hint = validated.id_token_claims
    if user is not None and (hint is None or hint.get("sub") != claims.subject(user)):
        return render_template("oidc/logout_confirm.html", service=_service_of(validated),
                               hidden=_hidden()), 200
    return _finish(server, validated)


@blueprint.route("/oidc/logout/confirm", methods=["POST"])
def confirm_end_session():
    """The person confirmed (CSRF-protected form): sign out, then redirect only if the
    request proved where to (a valid hint for this person)."""
    server = authorization_server()
    user, _ = _signed_in()
    try:
        validated = server.validate_endpoint_request("end_session")
    except OAuth2Error:
        validated = None
    if validated is None or (
        user is not None and (validated.id_token_claims or {}).get("sub") != claims.subject(user)
    ):
        close_session("rp_logout")
        db.session.commit()
        return render_template("oidc/logged_out.html", service=None), 200
    return _finish(server, validated)


def _finish(server, validated):
    response = server.create_endpoint_response("end_session", validated)
    db.session.commit()
    if response is not None:
        return redirect(response.headers["Location"], 303 if request.method == "POST" else 302)
    return render_template("oidc/logged_out.html", service=_service_of(validated)), 200


def _service_of(validated):
    if validated is None or validated.client is None:
        return None
    return validated.client.service


def _hidden() -> list[tuple[str, str]]:
    return [(key, value) for key, value in request.values.items(multi=True)
            if key not in _NOT_FORWARDED]
