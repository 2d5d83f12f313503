"""The services a person uses and may use ("Tous les services", "Accéder"), and their
sessions and authorizations ("Vos sessions et services autorisés")."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from authlib.common.urls import add_params_to_uri
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from isc import claims, grants, services
from isc.auth_sessions import close_session, current_auth_session
from isc.extensions import db
from isc.models import AuthSession, ServiceUse
from isc.models.types import utcnow
from isc.oidc.id_tokens import issuer
from isc.portal.access import user_required

blueprint = Blueprint("services", __name__)

_PARIS = ZoneInfo("Europe/Paris")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre")


@blueprint.app_template_filter("date_heure_fr")
def french_date_time(moment: datetime | None) -> str:
    """"7 mars 2023 à 16:41", Paris time, as the guide writes dates."""
    if moment is None:
        return ""
    local = moment.astimezone(_PARIS)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} à {local:%H:%M}"


@blueprint.app_template_global()
def services_overview(user):
    """For the dashboard's "Vos services": (services used with their last use, others)."""
    return services.services_overview(user)


@blueprint.route("/services")
@user_required
def index():
    used, others = services.services_overview(current_user)
    return render_template("portal/services/index.html", used=used, others=others)


@blueprint.route("/services/<client_id>/acceder")
@user_required
def open_service(client_id: str):
    """"Accéder": the service starts its sign-in (third-party initiated login), which ISC's
    session answers at once."""
    service = services.find_service(client_id)
    if service is None or not services.may_use(current_user, service):
        abort(404)
    if service.initiate_login_uri:
        query = {"iss": issuer()}
        if service.home_url:
            query["target_link_uri"] = service.home_url
        return redirect(add_params_to_uri(service.initiate_login_uri, query))
    if service.home_url:
        return redirect(service.home_url)
    abort(404)


@blueprint.route("/compte/sessions")
@user_required
def sessions():
    current = current_auth_session()
    return render_template(
        "portal/services/sessions.html",
        sessions=_open_sessions(current),
        consents=services.consents_of(current_user),
        scope_labels=claims.SCOPE_LABELS,
    )


@blueprint.route("/compte/sessions/<int:session_id>/fermer", methods=["POST"])
@user_required
def close(session_id: int):
    current = current_auth_session()
    if current is not None and current.id == session_id:
        close_session()
        db.session.commit()
        flash("Vous êtes déconnecté.", "success")
        return redirect(url_for("home.index"), 303)
    if not grants.end_other_session(current_user, session_id):
        abort(404)
    db.session.commit()
    flash("La session a été fermée.", "success")
    return redirect(url_for("services.sessions"), 303)


@blueprint.route("/compte/services/<client_id>/retirer", methods=["POST"])
@user_required
def withdraw(client_id: str):
    service = services.find_service(client_id)
    if service is None or not _may_withdraw(service):
        abort(404)  # never say a service of other companies exists, nor its name
    grants.withdraw_service(current_user, service)
    db.session.commit()
    flash(f"L'autorisation donnée à {service.name} a été retirée.", "success")
    return redirect(url_for("services.sessions"), 303)


def _may_withdraw(service) -> bool:
    """A person withdraws what they allowed, or a service they may use (their access may have
    been narrowed since they allowed it)."""
    allowed = any(consent.service_id == service.id for consent in services.consents_of(current_user))
    return allowed or services.may_use(current_user, service)


def _open_sessions(current: AuthSession | None) -> list[dict]:
    """The person's sessions still open, newest first, each with the services it used."""
    config = current_app.config
    now = utcnow()
    rows = db.session.scalars(
        sa.select(AuthSession)
        .where(
            AuthSession.user_id == current_user.id,
            AuthSession.ended_at.is_(None),
            AuthSession.last_seen_at > now - timedelta(seconds=config["SESSION_IDLE_TIMEOUT"]),
            AuthSession.created_at > now - timedelta(seconds=config["SESSION_ABSOLUTE_TIMEOUT"]),
        )
        .order_by(AuthSession.created_at.desc())
    )
    result = []
    for row in rows:
        uses = db.session.scalars(
            sa.select(ServiceUse).where(ServiceUse.auth_session_id == row.id,
                                        ServiceUse.logged_out_at.is_(None))
        )
        result.append({
            "session": row,
            "current": current is not None and row.id == current.id,
            "services": sorted(use.service.name for use in uses),
        })
    return result
