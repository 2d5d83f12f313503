"""« Votre compte »: one's details, company and rights; the modification demande (« Edit »)
and, for a mandataire, the request to change the company's information."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from isc import company_changes, membership, permissions
from isc.company_changes import ChangeRequestError
from isc.extensions import db
from isc.membership import MembershipError
from isc.models import CompanyChangeRequest, Demande, Role, User
from isc.permissions import Right
from isc.portal.access import user_required
from isc.portal.account_forms import CompanyChangeForm, ModificationDemandeForm
from isc.portal.forms import show_error
from isc.validation import format_phone

blueprint = Blueprint("account", __name__, url_prefix="/compte")


@blueprint.app_template_filter("phone_fr")
def phone_fr(e164: str | None) -> str:
    """"+33 1 23 45 67 89": a stored phone number as people read it."""
    return format_phone(e164 or "")

_DECIDERS = {Role.MANDATAIRE: "les mandataires", Role.REPRESENTANT: "les représentants"}


@blueprint.route("")
@user_required
def index():
    user = _user()
    demande = membership.pending_modification(user)
    may_change_company = permissions.has_right(user, Right.REQUEST_COMPANY_CHANGE)
    company_change = company_changes.pending_change(user.company) if may_change_company else None
    return render_template(
        "portal/account/index.html",
        user=user,
        company=user.company,
        rights=permissions.rights_table(user),
        may_request_modification=permissions.has_right(user, Right.REQUEST_OWN_CHANGE),
        may_request_company_change=may_change_company,
        demande=demande,
        demande_rows=_demande_rows(demande),
        company_change=company_change,
        company_change_rows=_company_change_rows(company_change),
    )


@blueprint.route("/modifier", methods=["GET", "POST"])
@user_required
def edit():
    """« Edit »: ask for one's personal details to be changed; the company's deciders (ANS
    for a mandataire) validate it."""
    user = _user()
    if not permissions.has_right(user, Right.REQUEST_OWN_CHANGE):
        abort(403)
    pending = membership.pending_modification(user)
    if pending is not None:
        return _already_pending("portal/account/edit.html", demande=pending,
                                demande_rows=_demande_rows(pending))
    form = ModificationDemandeForm()
    if request.method == "GET":
        form.fill_from(user)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                membership.request_modification(user, _typed_changes(form, user), form.comment.data)
            except MembershipError as error:
                db.session.rollback()
                show_error(form, str(error), error.field)
            else:
                db.session.commit()
                flash("Votre demande de modification a été envoyée. Vous serez informé par e-mail "
                      "de la décision.", "success")
                return redirect(url_for("account.index"), 303)
    page = render_template("portal/account/edit.html", form=form, deciders=_who_decides(user))
    return page, status


@blueprint.route("/entreprise/modifier", methods=["GET", "POST"])
@user_required
def edit_company():
    """« Demander la modification des informations de l'entreprise » (mandataires): the
    request goes to the ANS teams, who decide it in the console."""
    user = _user()
    if not permissions.has_right(user, Right.REQUEST_COMPANY_CHANGE):
        abort(403)
    company = user.company
    pending = company_changes.pending_change(company)
    if pending is not None:
        return _already_pending("portal/account/edit_company.html", company=company,
                                company_change=pending,
                                company_change_rows=_company_change_rows(pending))
    form = CompanyChangeForm()
    if request.method == "GET":
        form.name.data = company.name
        form.head_office_address.data = company.head_office_address
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            values = {"name": form.name.data, "head_office_address": form.head_office_address.data}
            try:
                company_changes.request_company_change(user, values, form.comment.data)
            except ChangeRequestError as error:
                db.session.rollback()
                show_error(form, str(error))
            else:
                db.session.commit()
                flash("Votre demande de modification des informations de l'entreprise a été "
                      "envoyée aux équipes de l'ANS. Vous serez informé par e-mail de leur "
                      "décision.", "success")
                return redirect(url_for("account.index"), 303)
    return render_template("portal/account/edit_company.html", form=form, company=company), status


def _user() -> User:
    return current_user._get_current_object()


def _demande_rows(demande: Demande | None) -> list[tuple[str, str, str]]:
    return membership.differences_at_decision(demande) if demande is not None else []


def _company_change_rows(change: CompanyChangeRequest | None) -> list[tuple[str, str, str]]:
    if change is None:
        return []
    return [(label, before, requested)
            for label, before, _now, requested in company_changes.differences(change)]


def _already_pending(template: str, **context):
    """The request waiting for a decision, shown instead of a form for a second one; a form
    sent meanwhile (another tab) is answered 409 with an explanation."""
    status = 409 if request.method == "POST" else 200
    return render_template(template, form=None, refused_again=status == 409, **context), status


def _typed_changes(form: ModificationDemandeForm, user: User) -> dict[str, str]:
    """The details as typed, but those left empty that are empty now (a mandataire has no
    direct line until they give one): the service compares the rest with the current values."""
    return {
        name: value for name, value in form.values().items()
        if value.strip() or (getattr(user, name) or "")
    }


def _who_decides(user: User) -> str:
    """Who validates the person's demandes, as the page says it."""
    roles = permissions.deciders_of(user.role)
    if not roles:
        return "les équipes de l'ANS"
    return " et ".join(_DECIDERS[role] for role in Role if role in roles) + " de votre entreprise"
