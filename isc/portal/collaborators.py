"""« Vos collaborateurs »: the list with its search, a collaborator's page, and adding, editing
and deleting accounts for those whose rights allow it.

A collaborator of another company, or an id that designates nobody, answers 404 (never saying
it exists); a collaborator one may see but not change answers 403.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from isc import collaborators, permissions, services
from isc.collaborators import CollaboratorError
from isc.errors import render_error
from isc.extensions import db
from isc.models import User
from isc.permissions import PermissionDenied, Right
from isc.portal.access import user_required
from isc.portal.collaborators_forms import (
    CollaboratorEditForm,
    ConfirmDeletionForm,
    NewCollaboratorForm,
)
from isc.portal.forms import show_error

blueprint = Blueprint("collaborators", __name__, url_prefix="/collaborateurs")

PAGE_SIZE = 20
QUERY_MAX = 200  # characters of the search kept (the service uses 5 words of 100 at most)
PAGE_MAX = 100_000


@blueprint.errorhandler(PermissionDenied)
def _denied(error: PermissionDenied):
    """A right the page allowed but the service refuses (the role changed meanwhile): 403."""
    db.session.rollback()
    return render_error(403)


@blueprint.route("")
@user_required
def index():
    """« Liste des collaborateurs », searched with ?q= and paged with ?page=."""
    user = _user()
    if not permissions.has_right(user, Right.VIEW_COLLABORATORS):
        abort(403)
    text = _search_text(request.args.get("q", ""))
    page = collaborators.search(user, text, _page_number(request.args.get("page", "")), PAGE_SIZE)
    return render_template(
        "portal/collaborators/index.html",
        page=page,
        q=text,
        pages=page_numbers(page.number, page.count),
        may_add=bool(collaborators.roles_addable_by(user)),
        may_edit=lambda target: collaborators.may_edit(user, target),
        may_delete=lambda target: collaborators.may_delete(user, target),
    )


@blueprint.route("/<public_id>")
@user_required
def detail(public_id: str):
    """« Compte de Prénom Nom »: the collaborator's details, rights and services used."""
    user = _user()
    target = _find_or_404(user, public_id)
    return render_template(
        "portal/collaborators/detail.html",
        target=target,
        rights=permissions.rights_table(target),
        used=services.services_used(target),
        may_edit=collaborators.may_edit(user, target),
        may_delete=collaborators.may_delete(user, target),
    )


@blueprint.route("/ajouter", methods=["GET", "POST"])
@user_required
def add():
    """« Ajouter un collaborateur »: the account is created at once and the person receives
    an invitation to set their password."""
    user = _user()
    roles = collaborators.roles_addable_by(user)
    if not roles:
        abort(403)
    form = NewCollaboratorForm(roles)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                added = collaborators.add(user, form.role.data, form.values())
            except CollaboratorError as error:
                db.session.rollback()
                show_error(form, str(error), error.field)
            else:
                name = added.full_name
                db.session.commit()
                flash(f"Le compte de {name} a été créé. Un e-mail l'invite à initialiser son "
                      "mot de passe.", "success")
                return redirect(url_for("collaborators.detail", public_id=added.public_id), 303)
    return render_template("portal/collaborators/add.html", form=form), status


@blueprint.route("/<public_id>/modifier", methods=["GET", "POST"])
@user_required
def edit(public_id: str):
    """« Éditer »: a représentant's or salarié's details changed directly; the person is told
    by e-mail."""
    user = _user()
    target = _find_or_404(user, public_id)
    if not collaborators.may_edit(user, target):
        abort(403)
    form = CollaboratorEditForm()
    if request.method == "GET":
        form.fill_from(target)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                changed = collaborators.update(user, target, form.values())
            except CollaboratorError as error:
                db.session.rollback()
                show_error(form, str(error), error.field)
            else:
                db.session.commit()
                if changed:
                    flash(f"Les informations de {target.full_name} ont été modifiées "
                          f"({', '.join(changed)}). Un e-mail l'en informe.", "success")
                else:
                    flash("Aucune information n'a été modifiée.", "info")
                return redirect(url_for("collaborators.detail", public_id=target.public_id), 303)
    return render_template("portal/collaborators/edit.html", form=form, target=target), status


@blueprint.route("/<public_id>/supprimer", methods=["GET", "POST"])
@user_required
def delete(public_id: str):
    """« Supprimer »: a confirmation page, then the account ends at once (sessions, services'
    tokens) and the person's data is erased."""
    user = _user()
    target = _find_or_404(user, public_id)
    if not collaborators.may_delete(user, target):
        abort(403)
    form = ConfirmDeletionForm()
    if form.is_submitted():
        if not form.validate():  # only its CSRF token can fail, and CSRFProtect answers first
            abort(400)
        name = target.full_name
        collaborators.delete(user, target)
        db.session.commit()
        flash(f"Le compte de {name} a été supprimé.", "success")
        return redirect(url_for("collaborators.index"), 303)
    return render_template("portal/collaborators/delete.html", form=form, target=target)


def _user() -> User:
    return current_user._get_current_object()


def _find_or_404(user: User, public_id: str) -> User:
    target = collaborators.find(user, public_id)
    if target is None:
        abort(404)
    return target


def _search_text(raw: str) -> str:
    """The search as typed, without control characters, cut to a reasonable length."""
    return "".join(char for char in raw if char.isprintable())[:QUERY_MAX].strip()


def _page_number(raw: str) -> int:
    """?page= as a number; anything else (letters, negative, absurdly long) is the first
    page. The service brings a number past the end back to the last page."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 6:
        return min(max(int(raw), 1), PAGE_MAX)
    return 1


def page_numbers(current: int, count: int, around: int = 2) -> list[int | None]:
    """The page numbers the pagination shows: the first, the last, and those around the
    current one; None where numbers are left out (« … »)."""
    shown = sorted({1, count, *range(max(1, current - around), min(count, current + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
