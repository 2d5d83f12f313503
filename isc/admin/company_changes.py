"""Company change requests from mandataires: the list, one request (current vs requested
values) and its decision."""

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, request, url_for
from flask_admin import expose
from isc.forms import Form
from wtforms import TextAreaField
from wtforms.validators import Length

from isc import company_changes
from isc.admin.access import DECIDE_ROLES, SecureBaseView, may, require
from isc.extensions import db
from isc.models import ChangeStatus, CompanyChangeRequest


class ApproveChangeForm(Form):
    """The approve button: a CSRF token only."""


class RefuseChangeForm(Form):
    comment = TextAreaField("Motif du refus, envoyé au demandeur",
                            validators=[Length(max=company_changes.COMMENT_MAX)])


class CompanyChangeView(SecureBaseView):
    @expose("/")
    def index(self):
        tab = request.args.get("statut", ChangeStatus.PENDING.value)
        status = ChangeStatus(tab) if tab in {s.value for s in ChangeStatus} else ChangeStatus.PENDING
        page = max(request.args.get("page", 0, type=int), 0)
        size = self.admin.app.config["CONSOLE_PAGE_SIZE"]
        condition = CompanyChangeRequest.status == status
        count = db.session.scalar(sa.select(sa.func.count()).select_from(CompanyChangeRequest).where(condition))
        order = CompanyChangeRequest.created_at.asc() if status == ChangeStatus.PENDING else CompanyChangeRequest.decided_at.desc()
        changes = db.session.scalars(
            sa.select(CompanyChangeRequest).where(condition)
            .options(sa.orm.joinedload(CompanyChangeRequest.company), sa.orm.joinedload(CompanyChangeRequest.requester))
            .order_by(order, CompanyChangeRequest.id).limit(size).offset(page * size)
        ).all()
        return self.render("admin/isc/changes.html", changes=changes, count=count, page=page,
                           pages=max((count - 1) // size + 1, 1), tab=status.value, statuses=ChangeStatus,
                           fields=company_changes.CHANGEABLE_FIELDS)

    def _change(self, change_id: int) -> CompanyChangeRequest:
        change = db.session.get(CompanyChangeRequest, change_id)
        if change is None:
            abort(404)
        return change

    @expose("/<int:change_id>")
    def detail(self, change_id: int, refuse_form=None, status=200):
        change = self._change(change_id)
        html = self.render(
            "admin/isc/change.html", change=change, rows=company_changes.differences(change),
            can_decide=may(*DECIDE_ROLES) and change.status == ChangeStatus.PENDING,
            approve_form=ApproveChangeForm(), refuse_form=refuse_form or RefuseChangeForm(formdata=None),
        )
        return make_response(html, status)

    @expose("/<int:change_id>/valider", methods=["POST"])
    def approve(self, change_id: int):
        agent = require(*DECIDE_ROLES)
        change = self._change(change_id)
        if not ApproveChangeForm().validate_on_submit():
            abort(400)
        try:
            company_changes.approve_change(change, agent)
        except company_changes.ChangeRequestError as error:
            db.session.rollback()
            flash(str(error), "error")
            return self.detail(change_id, status=409)
        db.session.commit()
        flash("Modification validée : les informations de l'entreprise sont à jour et le demandeur est prévenu.",
              "success")
        return redirect(url_for(".detail", change_id=change.id), 303)

    @expose("/<int:change_id>/refuser", methods=["POST"])
    def refuse(self, change_id: int):
        agent = require(*DECIDE_ROLES)
        change = self._change(change_id)
        form = RefuseChangeForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            company_changes.refuse_change(change, agent, form.comment.data or "")
        except company_changes.ChangeRequestError as error:
            db.session.rollback()
            flash(str(error), "error")
            return self.detail(change_id, refuse_form=form, status=422)
        db.session.commit()
        flash("Modification refusée : le demandeur reçoit le motif par e-mail.", "success")
        return redirect(url_for(".detail", change_id=change.id), 303)
