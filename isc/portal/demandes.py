"""« Vos demandes à traiter »: the registration and modification demandes a mandataire or a
représentant decides, and a demande's detail with « Valider » / « Refuser ».

Only people holding the right to process demandes open these pages (others: 403); a demande
they may not decide (another company, a role they do not decide, a guessed id) is not found.
"""

import functools
import math

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from isc import membership, personal_details
from isc.extensions import db
from isc.models import Demande, DemandeKind, DemandeStatus, UserStatus
from isc.permissions import Right, has_right
from isc.portal.access import user_required
from isc.portal.demandes_forms import DecisionForm, RefusalForm

blueprint = Blueprint("demandes", __name__, url_prefix="/demandes")

PAGE_SIZE = 20
# The `type` of the list's address, for each kind of demande (the list's two tabs).
KIND_SLUGS = {DemandeKind.REGISTRATION: "inscription", DemandeKind.MODIFICATION: "modification"}
_KINDS_BY_SLUG = {slug: kind for kind, slug in KIND_SLUGS.items()}
EMAIL_TAKEN_MEANWHILE = (
    "L'adresse e-mail demandée est désormais utilisée par un autre compte : cette modification ne peut "
    "pas être validée. Refusez-la en expliquant pourquoi à la personne."
)


def deciders_only(view):
    """Signed-in people holding the right to process demandes; the others get 403."""

    @functools.wraps(view)
    @user_required
    def guarded(*args, **kwargs):
        if not has_right(current_user, Right.PROCESS_DEMANDES):
            abort(403)
        return view(*args, **kwargs)

    return guarded


@blueprint.route("")
@deciders_only
def index():
    user = current_user._get_current_object()
    counts = membership.counts_to_process(user)
    kind = _chosen_kind(request.args.get("type"), counts)
    page_count = max(1, math.ceil(counts[kind] / PAGE_SIZE))
    number = min(_page_number(request.args.get("page")), page_count)
    demandes = membership.page_to_process(user, kind, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return render_template(
        "portal/demandes/index.html", kind=kind, counts=counts, demandes=demandes, number=number,
        page_count=page_count, slugs=KIND_SLUGS,
    )


def _chosen_kind(slug: str | None, counts: dict[DemandeKind, int]) -> DemandeKind:
    """The tab asked for; without one, registrations, unless only modifications wait."""
    if slug in _KINDS_BY_SLUG:
        return _KINDS_BY_SLUG[slug]
    if counts[DemandeKind.REGISTRATION] == 0 and counts[DemandeKind.MODIFICATION] > 0:
        return DemandeKind.MODIFICATION
    return DemandeKind.REGISTRATION


def _page_number(value: str | None) -> int:
    if value is None or not value.isdigit() or len(value) > 6:
        return 1
    return max(1, int(value))


@blueprint.route("/<int:demande_id>")
@deciders_only
def detail(demande_id: int):
    demande = _demande_or_404(demande_id)
    pending = demande.status == DemandeStatus.PENDING
    if demande.kind == DemandeKind.MODIFICATION:
        rows = membership.differences(demande) if pending else membership.differences_at_decision(demande)
    else:
        rows = []
    return render_template(
        "portal/demandes/detail.html", demande=demande, applicant=demande.user, pending=pending, rows=rows,
        erased=demande.user.status == UserStatus.DELETED, form=DecisionForm(), slug=KIND_SLUGS[demande.kind],
        shown=personal_details.shown,
    )


@blueprint.route("/<int:demande_id>/valider", methods=["POST"])
@deciders_only
def approve(demande_id: int):
    """« Valider l'inscription » / « Valider la modification »."""
    demande = _demande_or_404(demande_id)
    if not DecisionForm().validate():
        abort(400)
    name = demande.user.full_name
    try:
        membership.approve(demande, current_user._get_current_object())
    except membership.MembershipError as error:
        if error.field == "email":
            error = membership.MembershipError(EMAIL_TAKEN_MEANWHILE)
        return _decision_failed(demande_id, error)
    db.session.commit()
    if demande.kind == DemandeKind.REGISTRATION:
        done = f"Vous avez validé l'inscription de {name} : un e-mail l'invite à initialiser son mot de passe."
    else:
        done = (f"Vous avez validé la modification des informations de {name} : la personne en est "
                "informée par e-mail.")
    flash(done, "success")
    return redirect(url_for("demandes.index", type=KIND_SLUGS[demande.kind]), 303)


@blueprint.route("/<int:demande_id>/refuser", methods=["GET", "POST"])
@deciders_only
def refuse(demande_id: int):
    """« Refuser »: the reason is asked on a page of its own, then e-mailed to the person."""
    demande = _demande_or_404(demande_id)
    if demande.status != DemandeStatus.PENDING:
        flash(membership.ALREADY_DECIDED, "warning")
        return redirect(url_for("demandes.detail", demande_id=demande_id), 303)
    form = RefusalForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            name, kind = demande.user.full_name, demande.kind
            try:
                membership.refuse(demande, current_user._get_current_object(), form.reason.data)
            except membership.MembershipError as error:
                if error.field != "reason":
                    return _decision_failed(demande_id, error)
                db.session.rollback()
                form.reason.errors.append(str(error))
            else:
                db.session.commit()
                what = "l'inscription" if kind == DemandeKind.REGISTRATION else "la modification des informations"
                flash(f"Vous avez refusé {what} de {name} : le motif lui a été envoyé par e-mail.", "success")
                return redirect(url_for("demandes.index", type=KIND_SLUGS[kind]), 303)
    return render_template(
        "portal/demandes/refuse.html", demande=demande, applicant=demande.user, form=form,
        slug=KIND_SLUGS[demande.kind], text_max=membership.TEXT_MAX,
    ), status


def _decision_failed(demande_id: int, error: membership.MembershipError):
    """Someone else decided first (or the right was lost meanwhile): say so on the detail."""
    db.session.rollback()
    flash(str(error), "error")
    return redirect(url_for("demandes.detail", demande_id=demande_id), 303)


def _demande_or_404(demande_id: int) -> Demande:
    demande = membership.find_for(current_user._get_current_object(), demande_id)
    if demande is None:
        abort(404)
    return demande
