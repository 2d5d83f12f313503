"""Registration: the choice of a role ("Inscrivez-vous"), then the journey of that role: the
mandataire's (portal/mandataire.py), the représentant's and salarié's (portal/joining.py)."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from isc.models import Role, User
from isc.portal.forms import RoleForm

blueprint = Blueprint("registration", __name__)


@blueprint.before_request
def _signed_in_users_have_an_account():
    """A signed-in user already has an account: back to the dashboard."""
    if isinstance(current_user._get_current_object(), User):
        return redirect(url_for("home.dashboard"))
    return None


@blueprint.route("/inscription", methods=["GET", "POST"])
def choose_role():
    form = RoleForm()
    if not form.is_submitted():
        # ?role= pre-selects a tile: the "choose another role" link of a role's page.
        form.role.data = request.args.get("role")
        return render_template("portal/registration/choose_role.html", form=form)
    if form.validate():
        if form.role.data == Role.MANDATAIRE:
            return redirect(url_for("mandataire.personal"), 303)
        return redirect(url_for("joining.company", role=form.role.data), 303)
    return render_template("portal/registration/choose_role.html", form=form), 422

