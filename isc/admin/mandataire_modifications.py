"""Mandataires' requests to change their own personal details: their identity was verified by
ANS, so ANS decides (a représentant's or salarié's is decided by their company, in the portal)."""

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, request, url_for
from flask_admin import expose
from isc.forms import Form
from wtforms import TextAreaField
from wtforms.validators import Length

from isc import membership
from isc.admin.access import DECIDE_ROLES, SecureBaseView, may, require
from isc.extensions import db
from isc.models import Demande, DemandeKind, DemandeStatus, Role, User


class ApproveForm(Form):
    """The approve button: a CSRF token only."""


class RefuseForm(Form):
    reason = TextAreaField("Motif du refus, envoyé au mandataire", validators=[Length(max=membership.TEXT_MAX)])


def _mandataire_modifications():
    return (
        sa.select(Demande).join(User, User.id == Demande.user_id)
        .where(Demande.kind == DemandeKind.MODIFICATION, User.role == Role.MANDATAIRE)
    )


class MandataireModificationView(SecureBaseView):
    @expose("/")
    def index(self):
        tab = request.args.get("statut", DemandeStatus.PENDING.value)
        status = DemandeStatus(tab) if tab in {s.value for s in DemandeStatus} else DemandeStatus.PENDING
        page = max(request.args.get("page", 0, type=int), 0)
        size = self.admin.app.config["CONSOLE_PAGE_SIZE"]
        query = _mandataire_modifications().where(Demande.status == status)
        count = db.session.scalar(query.with_only_columns(sa.func.count(Demande.id)))
        order = Demande.created_at.asc() if status == DemandeStatus.PENDING else Demande.decided_at.desc()
        demandes = db.session.scalars(
            query.options(sa.orm.joinedload(Demande.user), sa.orm.joinedload(Demande.company))
            .order_by(order, Demande.id).limit(size).offset(page * size)
        ).all()
        return self.render("admin/isc/mandataire_modifications.html", demandes=demandes, count=count, page=page,
                           pages=max((count - 1) // size + 1, 1), tab=status.value, statuses=DemandeStatus)

    def _demande(self, demande_id: int) -> Demande:
        demande = db.session.scalar(_mandataire_modifications().where(Demande.id == demande_id))
        if demande is None:
            abort(404)
        return demande

    @expose("/<int:demande_id>")
    def detail(self, demande_id: int, refuse_form=None, status=200):
        demande = self._demande(demande_id)
        html = self.render(
            "admin/isc/mandataire_modification.html", demande=demande, rows=membership.differences(demande),
            can_decide=may(*DECIDE_ROLES) and demande.status == DemandeStatus.PENDING,
            approve_form=ApproveForm(), refuse_form=refuse_form or RefuseForm(formdata=None),
        )
        return make_response(html, status)

    @expose("/<int:demande_id>/valider", methods=["POST"])
    def approve(self, demande_id: int):
        agent = require(*DECIDE_ROLES)
        demande = self._demande(demande_id)
        if not ApproveForm().validate_on_submit():
            abort(400)
        try:
            membership.approve(demande, agent)
        except membership.MembershipError as error:
            db.session.rollback()
            flash(str(error), "error")
            return self.detail(demande_id, status=409)
        db.session.commit()
        flash("Modification validée : les informations du mandataire sont à jour et il est prévenu.", "success")
        return redirect(url_for(".detail", demande_id=demande.id), 303)

    @expose("/<int:demande_id>/refuser", methods=["POST"])
    def refuse(self, demande_id: int):
        agent = require(*DECIDE_ROLES)
        demande = self._demande(demande_id)
        form = RefuseForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            membership.refuse(demande, agent, form.reason.data or "")
        except membership.MembershipError as error:
            db.session.rollback()
            flash(str(error), "error")
            return self.detail(demande_id, refuse_form=form, status=422)
        db.session.commit()
        flash("Modification refusée : le mandataire reçoit le motif par e-mail.", "success")
        return redirect(url_for(".detail", demande_id=demande.id), 303)
