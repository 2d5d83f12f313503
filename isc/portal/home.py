"""The home page and the signed-in user's dashboard."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from isc import collaborators, membership
from isc.models import User
from isc.permissions import Right, has_right
from isc.portal.access import user_required
from isc.portal.demandes import KIND_SLUGS

blueprint = Blueprint("home", __name__)

LATEST_DEMANDES = 2  # "les 2 dernières demandes", as the guide's dashboard shows them


@blueprint.route("/")
def index():
    if isinstance(current_user._get_current_object(), User):
        return redirect(url_for("home.dashboard"))
    return render_template("portal/home.html")


@blueprint.route("/tableau-de-bord")
@user_required
def dashboard():
    """« Votre tableau de bord »: one's information and company, services, the collaborators
    who signed in last and, for those who decide them, the latest demandes to process.

    The number of queries does not grow with the company: each list is one query.
    """
    user = current_user._get_current_object()
    recent = collaborators.last_signed_in(user) if has_right(user, Right.VIEW_COLLABORATORS) else []
    demandes = None
    if has_right(user, Right.PROCESS_DEMANDES):
        demandes = {
            "counts": membership.counts_to_process(user),
            "latest": membership.page_to_process(user, limit=LATEST_DEMANDES),
        }
    return render_template(
        "portal/dashboard.html", user=user, company=user.company, recent_collaborators=recent,
        demandes=demandes, slugs=KIND_SLUGS,
    )

