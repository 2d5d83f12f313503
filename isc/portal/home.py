"""The home page and the signed-in user's dashboard."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from isc.models import User
from isc.portal.access import user_required

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
def index():
    if isinstance(current_user._get_current_object(), User):
        return redirect(url_for("home.dashboard"))
    return render_template("portal/home.html")


@blueprint.route("/tableau-de-bord")
@user_required
def dashboard():
    return render_template("portal/dashboard.html", user=current_user, company=current_user.company)
