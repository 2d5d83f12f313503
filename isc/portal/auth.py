"""Sign-in, sign-out and the password pages of company users."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from isc import accounts
from isc.accounts import AccountError
from isc.auth_sessions import close_session
from isc.extensions import db, limiter
from isc.models import LinkPurpose, User
from isc.portal.access import user_required
from isc.portal.forms import ChangePasswordForm, ForgottenPasswordForm, NewPasswordForm, SignInForm

blueprint = Blueprint("auth", __name__)


def _login_key(prefix: str):
    """Throttling key of the account a form names: its username and its e-mail address share
    one counter; a login naming no account is counted on its own."""

    def key() -> str:
        login = request.form.get("login", "").strip().lower()[:254]
        user = accounts.find_by_login(login)
        return f"{prefix}:user:{user.id}" if user else f"{prefix}:login:{login}"

    return key


def _failed(response) -> bool:
    return response.status_code == 401


def _safe_next(target: str | None) -> str:
    """`target` when it is a path of this site, else the dashboard (no open redirect).

    Control characters are refused: browsers drop tabs and newlines from URLs (so "/<tab>/evil"
    would mean "//evil"), and a newline cannot go into the Location header.
    """
    if (
        target
        and target.isprintable()
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.dashboard")


@blueprint.route("/connexion", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT_PER_IP"], methods=["POST"],
               deduct_when=_failed, scope="sign-in-ip")
@limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               deduct_when=_failed, key_func=_login_key("account"), scope="sign-in-account")
def sign_in():
    # reauth=1: a service asked for a fresh sign-in (OpenID Connect prompt=login, max_age).
    if isinstance(current_user._get_current_object(), User) and request.args.get("reauth") != "1":
        return redirect(url_for("home.dashboard"))
    form = SignInForm()
    status = 200
    if not form.is_submitted():
        form.login.data = request.args.get("login", "")[:254]  # a service's login_hint
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                accounts.sign_in(form.login.data, form.password.data)
            except AccountError as error:
                db.session.commit()  # keep the audit event of the failure
                form.password.errors.append(str(error))
                status = 401
            else:
                db.session.commit()
                return redirect(_safe_next(request.args.get("next")), 303)
    return render_template("portal/auth/sign_in.html", form=form), status


@blueprint.route("/deconnexion", methods=["POST"])
def sign_out():
    close_session()
    db.session.commit()
    flash("Vous êtes déconnecté.", "success")
    return redirect(url_for("home.index"), 303)


@blueprint.route("/mot-de-passe/oublie", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_IP"], methods=["POST"],
               scope="reset-ip")
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_login_key("reset"), scope="reset-account")
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.is_submitted():
        if form.validate():
            accounts.request_password_reset(form.login.data)
            db.session.commit()
            return render_template("portal/auth/reset_requested.html"), 200
        return render_template("portal/auth/forgotten_password.html", form=form), 422
    return render_template("portal/auth/forgotten_password.html", form=form)


@blueprint.route("/mot-de-passe/definir/<token>", methods=["GET", "POST"])
def set_password(token: str):
    link = accounts.usable_link(token)
    if link is None:
        return render_template("portal/auth/link_unusable.html"), 410
    form = NewPasswordForm()
    first = link.purpose == LinkPurpose.SETUP and link.user.password_hash is None
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                accounts.set_password_with_link(token, form.password.data, form.confirmation.data)
            except AccountError as error:
                db.session.rollback()
                form.password.errors.append(str(error))
            else:
                db.session.commit()
                flash("Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter.", "success")
                return redirect(url_for("auth.sign_in"), 303)
    return render_template("portal/auth/set_password.html", form=form, first=first, user=link.user), status


@blueprint.route("/compte/mot-de-passe", methods=["GET", "POST"])
@user_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                accounts.change_password(
                    current_user, form.current.data, form.password.data, form.confirmation.data
                )
            except AccountError as error:
                db.session.commit()  # keep the audit event of a refused change
                field = form.current if error.field == "current" else form.password
                field.errors.append(str(error))
            else:
                db.session.commit()
                flash("Votre mot de passe a été modifié.", "success")
                return redirect(url_for("home.dashboard"), 303)
    return render_template("portal/auth/change_password.html", form=form), status
