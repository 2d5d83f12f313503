"""The authorization endpoint and the consent screen.

Authlib validates the request (client, exact redirect URI, response type, scopes, PKCE,
ISC's extra rules in `code_flow.AuthorizationRules`); this view decides what the person must
do first, with ISC's browser session:

- sign in, when there is no session, when `prompt=login` or `max_age` asks for a fresh one, or
  when the `id_token_hint` names someone else: the browser goes to /connexion and comes back
  with a signed "sign-in asked at" mark (`isc_login`), so that the fresh sign-in counts once;
- be allowed to use the service (company and role), else an explanation page;
- consent, for a service that is not first-party, once per set of scopes.

Errors go back to the service's redirect URI only once the client and that URI are known to
match; otherwise an error page is shown (never an open redirect). Every response to the
redirect URI carries `iss` (RFC 9207). POST requests continue as GET: a cross-site POST
carries no SameSite=Lax session cookie.
"""

import time
from urllib.parse import urlencode

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import AccessDeniedError, InvalidRequestError
from authlib.oidc.core.errors import ConsentRequiredError, LoginRequiredError
from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer

from isc import claims, services
from isc.auth_sessions import current_auth_session
from isc.extensions import csrf, db
from isc.models import AuthSession, User
from isc.oidc import authorization_server, blueprint, id_tokens

FRESH_LOGIN_PARAMETER = "isc_login"
FRESH_LOGIN_MAX_AGE = 900  # seconds a "sign-in asked at" mark stays valid
_NOT_FORWARDED = {"csrf_token", "decision"}


@blueprint.route("/oidc/authorize", methods=["GET", "POST"])
@csrf.exempt
def authorize():
    if request.method == "POST":
        query = urlencode([(key, value) for key, value in request.form.items(multi=True)])
        return redirect(f"{url_for('oidc.authorize')}?{query}", 303)
    return _authorize(decision=None)


@blueprint.route("/oidc/authorize/decision", methods=["POST"])
def decide():
    """The answer of the consent screen (CSRF-protected form)."""
    return _authorize(decision=request.form.get("decision"))


def _authorize(decision: str | None):
    server = authorization_server()
    user, auth = _signed_in()
    try:
        grant = server.get_consent_grant(end_user=user)
    except OAuth2Error as error:
        return _error(error)
    data = grant.request.payload.data
    service = grant.client.service
    prompts = set(data.get("prompt", "").split())
    state = data.get("state")

    def fail(error_class, description=None):
        return _error(error_class(description, redirect_uri=grant.redirect_uri, state=state))

    hint_subject = None
    if data.get("id_token_hint"):
        try:
            hint_subject = id_tokens.read_hint(data["id_token_hint"])["sub"]
        except id_tokens.InvalidHint:
            return fail(InvalidRequestError, "Invalid id_token_hint.")

    if _must_sign_in(user, auth, prompts, data.get("max_age"), hint_subject):
        if "none" in prompts:
            return fail(LoginRequiredError)
        return _to_sign_in(reauthenticate=current_user.is_authenticated)

    if not services.may_use(user, service):
        if "none" in prompts:
            return fail(AccessDeniedError, "This account may not use this service.")
        refusal = _error(AccessDeniedError("This account may not use this service.",
                                           redirect_uri=grant.redirect_uri, state=state))
        return render_template("oidc/access_denied.html", service=service,
                               back_url=refusal.headers["Location"]), 403
    if not _essential_acr_met(grant.request.isc_claims, claims.acr_for(user)):
        return fail(AccessDeniedError, "The essential acr cannot be satisfied for this account.")

    scopes = grant.request.scope.split()
    if decision is None:
        if "consent" in prompts or services.consent_needed(user, service, scopes):
            if "none" in prompts:
                return fail(ConsentRequiredError)
            return _consent_page(service, scopes)
    elif decision == "allow":
        services.record_consent(user, service, scopes)
    else:
        return fail(AccessDeniedError, "The person refused.")

    grant.request.isc_auth_session = auth
    response = server.create_authorization_response(grant=grant, grant_user=user)
    location = response.headers.get("Location")
    if not location:  # the request stopped validating between the two checks
        db.session.rollback()
        return render_template("oidc/error.html", error=InvalidRequestError()), 400
    db.session.commit()
    return _to_client(location)


def _signed_in() -> tuple[User | None, AuthSession | None]:
    principal = current_user._get_current_object()
    if not isinstance(principal, User):
        return None, None
    auth = current_auth_session()
    return (principal, auth) if auth is not None else (None, None)


def _must_sign_in(user, auth, prompts: set[str], max_age: str | None,
                  hint_subject: str | None) -> bool:
    if user is None:
        return True
    if _signed_in_since_asked(auth):
        return False
    if "login" in prompts:
        return True
    if max_age is not None and time.time() - auth.created_at.timestamp() > int(max_age):
        return True
    return hint_subject is not None and hint_subject != claims.subject(user)


def _signed_in_since_asked(auth: AuthSession) -> bool:
    """Whether the session began after this request sent the browser to sign in."""
    mark = request.values.get(FRESH_LOGIN_PARAMETER)
    if not mark:
        return False
    try:
        asked_at = _marks().loads(mark, max_age=FRESH_LOGIN_MAX_AGE)
    except BadData:
        return False
    return auth.created_at.timestamp() >= float(asked_at)


def _marks() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="isc.oidc.fresh-login")


def _to_sign_in(reauthenticate: bool):
    """Send the browser to /connexion, to come back to this request afterwards."""
    params = [
        (key, value) for key, value in request.values.items(multi=True)
        if key not in _NOT_FORWARDED and key != FRESH_LOGIN_PARAMETER
    ]
    params.append((FRESH_LOGIN_PARAMETER, _marks().dumps(time.time())))
    target = {"next": f"{url_for('oidc.authorize')}?{urlencode(params)}"}
    hint = request.values.get("login_hint", "")
    if hint and len(hint) <= 254 and hint.isprintable():
        target["login"] = hint  # the sign-in form starts with it (OpenID Connect login_hint)
    if reauthenticate:
        target["reauth"] = "1"
    return redirect(url_for("auth.sign_in", **target), 303 if request.method == "POST" else 302)


def _essential_acr_met(requested: dict | None, acr: str) -> bool:
    wanted = ((requested or {}).get("id_token") or {}).get("acr")
    if not isinstance(wanted, dict) or not wanted.get("essential"):
        return True
    values = wanted.get("values") or ([wanted["value"]] if "value" in wanted else [])
    return not values or acr in values


def _consent_page(service, scopes: list[str]):
    hidden = [
        (key, value) for key, value in request.values.items(multi=True) if key not in _NOT_FORWARDED
    ]
    labels = [claims.SCOPE_LABELS[scope] for scope in scopes if scope in claims.SCOPE_LABELS]
    return render_template("oidc/consent.html", service=service, scope_labels=labels, hidden=hidden)


def _to_client(location: str):
    """A redirect to the service's redirect URI, with ISC's issuer (RFC 9207)."""
    location = add_params_to_uri(location, [("iss", id_tokens.issuer())])
    return redirect(location, 303 if request.method == "POST" else 302)


def _error(error: OAuth2Error):
    if error.redirect_uri:
        _, _, headers = error()
        return _to_client(dict(headers)["Location"])
    return render_template("oidc/error.html", error=error), 400
