"""The console's sign-in: password, then TOTP (or a recovery code); first TOTP enrolment.

Between the two factors the browser holds only a signed, short-lived "pending" mark naming the
agent; the server-side session opens once both factors are verified.
"""

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from isc.forms import Form
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from isc import agent_auth, audit
from isc.admin.access import MFA_KEY, console_agent
from isc.agent_auth import AgentAuthError
from isc.auth_sessions import close_session, open_session
from isc.extensions import client_ip, db, limiter
from isc.models import Agent
from isc.models.types import utcnow

blueprint = Blueprint("console_auth", __name__, url_prefix="/admin")

PENDING_KEY = "console_pending"
ENROL_KEY = "console_enrol_secret"
NEXT_KEY = "console_next"


class SignInForm(Form):
    email = EmailField("Adresse e-mail", validators=[DataRequired("Saisissez votre adresse e-mail."), Length(max=254)])
    password = PasswordField("Mot de passe", validators=[DataRequired("Saisissez votre mot de passe."), Length(max=128)])


class CodeForm(Form):
    code = StringField("Code", validators=[DataRequired("Saisissez le code."), Length(max=40)])


def _failed(response) -> bool:
    return response.status_code == 401


def _email_key() -> str:
    return "console-account:" + request.form.get("email", "").strip().lower()[:254]


def _pending_key() -> str:
    pending = session.get(PENDING_KEY) or {}
    return f"console-2fa:{pending.get('agent_id', client_ip())}"


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/admin") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("admin.index")


def _pending_agent() -> Agent | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > current_app.config["CONSOLE_SECOND_FACTOR_TTL"]:
        session.pop(PENDING_KEY, None)
        return None
    agent = db.session.get(Agent, pending.get("agent_id"))
    return agent if agent is not None and agent.active else None


@blueprint.route("/connexion", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CONSOLE_SIGN_IN_LIMIT_PER_IP"], methods=["POST"],
               deduct_when=_failed, scope="console-sign-in-ip")
@limiter.limit(lambda: current_app.config["CONSOLE_SIGN_IN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               deduct_when=_failed, key_func=_email_key, scope="console-sign-in-account")
def sign_in():
    if console_agent() is not None:
        return redirect(url_for("admin.index"))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        try:
            agent = agent_auth.check_password(form.email.data, form.password.data)
        except AgentAuthError as error:
            db.session.commit()  # keep the audit event
            form.password.errors.append(str(error))
            status = 401
        else:
            nxt = request.args.get("next")
            session.clear()
            session[PENDING_KEY] = {"agent_id": agent.id, "at": int(time.time())}
            session[NEXT_KEY] = _safe_next(nxt)
            db.session.commit()
            step = "console_auth.second_factor" if agent.totp_enrolled else "console_auth.enrol"
            return redirect(url_for(step), 303)
    elif request.method == "POST":
        status = 422
    return render_template("admin/auth/sign_in.html", form=form), status


@blueprint.route("/connexion/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CONSOLE_SECOND_FACTOR_LIMIT"], methods=["POST"],
               deduct_when=_failed, key_func=_pending_key, scope="console-second-factor")
def second_factor():
    agent = _pending_agent()
    if agent is None:
        return redirect(url_for("console_auth.sign_in"))
    if not agent.totp_enrolled:
        return redirect(url_for("console_auth.enrol"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            method = agent_auth.verify_second_factor(agent, form.code.data)
        except AgentAuthError as error:
            db.session.commit()
            form.code.errors.append(str(error))
            status = 401
        else:
            target = _complete_sign_in(agent, method)
            return redirect(target, 303)
    elif request.method == "POST":
        status = 422
    return render_template("admin/auth/second_factor.html", form=form, agent=agent), status


@blueprint.route("/connexion/enrolement", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CONSOLE_SECOND_FACTOR_LIMIT"], methods=["POST"],
               deduct_when=_failed, key_func=_pending_key, scope="console-second-factor")
def enrol():
    agent = _pending_agent()
    if agent is None:
        return redirect(url_for("console_auth.sign_in"))
    if agent.totp_enrolled:
        return redirect(url_for("console_auth.second_factor"))
    secret = session.get(ENROL_KEY)
    if not secret:
        secret = session[ENROL_KEY] = agent_auth.new_totp_secret()
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            codes = agent_auth.enrol(agent, secret, form.code.data)
        except AgentAuthError as error:
            db.session.commit()
            form.code.errors.append(str(error))
            status = 401
        else:
            target = _complete_sign_in(agent, "totp_enrolment")
            return render_template("admin/auth/recovery_codes.html", codes=codes, next_url=target,
                                   enrolled=True)
    elif request.method == "POST":
        status = 422
    return render_template(
        "admin/auth/enrol.html", form=form, agent=agent, secret=secret,
        qr_code=agent_auth.qr_code_data_uri(agent, secret),
    ), status


def _complete_sign_in(agent: Agent, method: str) -> str:
    target = session.get(NEXT_KEY) or url_for("admin.index")
    open_session(agent)  # clears the pending marks with the rest of the old session
    session[MFA_KEY] = True
    agent.last_login_at = utcnow()
    audit.record("agent.sign_in_success", actor=agent, target=agent, method=method)
    db.session.commit()
    return target


@blueprint.route("/codes-de-secours", methods=["POST"])
def regenerate_recovery_codes():
    agent = console_agent()
    if agent is None:
        return redirect(url_for("console_auth.sign_in"))
    codes = agent_auth.regenerate_recovery_codes(agent)
    db.session.commit()
    return render_template("admin/auth/recovery_codes.html", codes=codes, next_url=url_for("admin.index"),
                           enrolled=False)


@blueprint.route("/deconnexion", methods=["POST"])
def sign_out():
    if isinstance(current_user._get_current_object(), Agent):
        audit.record("agent.sign_out")
        close_session()
        db.session.commit()
    session.clear()
    return redirect(url_for("console_auth.sign_in"), 303)
