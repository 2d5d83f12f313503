"""The review queue and the dossier page: declared identity, Kbis, partner result, automatic
checks, the hold on the dossier and the decision."""

from flask import abort, flash, make_response, redirect, request, send_file, url_for
from flask_admin import expose
from isc.forms import Form
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from isc import audit, review
from isc.admin.access import DECIDE_ROLES, SecureBaseView, console_agent, may, require
from isc.extensions import db
from isc.kbis_intake import kbis_path
from isc.models import Registration, RegistrationStatus
from isc.models.types import utcnow

STATUS_TABS = {
    "in_review": "À traiter",
    "approved": "Validés",
    "refused": "Refusés",
}


class ClaimForm(Form):
    """The hold and release buttons: a CSRF token only."""


class ApproveForm(Form):
    document = BooleanField(review.GUIDE_CHECKS["document"])
    face = BooleanField(review.GUIDE_CHECKS["face"])
    names = BooleanField(review.GUIDE_CHECKS["names"])


class RefuseForm(Form):
    reason = SelectField("Motif du refus", choices=[SelectChoice("", "Choisissez un motif")]
                         + [SelectChoice(key, label) for key, label in review.REFUSAL_LABELS.items()])
    text = TextAreaField("Précisions envoyées au demandeur", validators=[Length(max=review.REASON_TEXT_MAX)])


class DossierView(SecureBaseView):
    """Mandataires' dossiers: the queue (oldest first), one dossier, and its decision."""

    @expose("/")
    def index(self):
        agent = console_agent()
        tab = request.args.get("statut", "in_review")
        status = RegistrationStatus(tab) if tab in STATUS_TABS else RegistrationStatus.IN_REVIEW
        only = request.args.get("filtre", "")
        only = only if only in review.QUEUE_FILTERS else ""
        search = request.args.get("q", "")[:100]
        page = max(request.args.get("page", 0, type=int), 0)
        size = self.admin.app.config["CONSOLE_PAGE_SIZE"]
        now = utcnow()
        count, rows = review.review_queue(status=status, search=search, only=only, agent=agent,
                                          page=page, page_size=size, now=now)
        return self.render(
            "admin/isc/queue.html", rows=rows, count=count, page=page, pages=max((count - 1) // size + 1, 1),
            tab=status.value, tabs=STATUS_TABS, only=only, filters=review.QUEUE_FILTERS, search=search,
            now=now, target=review.target_delta(),
        )

    def _registration(self, registration_id: int) -> Registration:
        registration = db.session.get(Registration, registration_id)
        if registration is None or registration.status not in (
            RegistrationStatus.IN_REVIEW, RegistrationStatus.APPROVED, RegistrationStatus.REFUSED
        ):
            abort(404)
        return registration

    @expose("/<int:registration_id>")
    def dossier(self, registration_id: int):
        registration = self._registration(registration_id)
        agent = console_agent()
        claim = review.live_claim(registration)
        approve_form, refuse_form = ApproveForm(prefix="valider"), RefuseForm(prefix="refuser")
        return self._render_dossier(registration, agent, claim, approve_form, refuse_form)

    def _render_dossier(self, registration, agent, claim, approve_form, refuse_form, status=200):
        html = self.render(
            "admin/isc/dossier.html", registration=registration, kbis=registration.kbis,
            identity=registration.identity_check, claim=claim,
            holds=claim is not None and claim.agent_id == agent.id,
            can_decide=may(*DECIDE_ROLES) and registration.status == RegistrationStatus.IN_REVIEW,
            checks=review.consistency_checks(registration), partner=review.partner_checks(registration),
            directors=review.kbis_directors(registration.kbis), decision=review.decision_of(registration),
            claim_form=ClaimForm(), approve_form=approve_form, refuse_form=refuse_form,
            reasons=review.REFUSAL_REASONS, reason_labels=review.REFUSAL_LABELS, now=utcnow(),
            target=review.target_delta(),
        )
        return make_response(html, status)

    @expose("/<int:registration_id>/kbis")
    def kbis(self, registration_id: int):
        """The Kbis, inline in a sandbox: it can show, never run script or reach the console."""
        registration = self._registration(registration_id)
        document = registration.kbis
        if document is None or not kbis_path(document).is_file():
            abort(404)
        audit.record("review.kbis_viewed", actor=console_agent(), target=registration)
        db.session.commit()
        response = send_file(kbis_path(document), mimetype="application/pdf", as_attachment=False,
                             download_name=f"kbis-dossier-{registration.id}.pdf", max_age=0)
        response.headers["Content-Disposition"] = f'inline; filename="kbis-dossier-{registration.id}.pdf"'
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'self'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/<int:registration_id>/prendre", methods=["POST"])
    def claim(self, registration_id: int):
        agent = require(*DECIDE_ROLES)
        registration = self._registration(registration_id)
        if not ClaimForm().validate_on_submit():
            abort(400)
        try:
            review.claim(registration, agent)
        except review.ReviewError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Vous avez pris en charge ce dossier.", "success")
        return redirect(url_for(".dossier", registration_id=registration.id), 303)

    @expose("/<int:registration_id>/liberer", methods=["POST"])
    def release(self, registration_id: int):
        agent = require(*DECIDE_ROLES)
        registration = self._registration(registration_id)
        if not ClaimForm().validate_on_submit():
            abort(400)
        review.release(registration, agent)
        db.session.commit()
        flash("Le dossier est rendu à la file d'attente.", "info")
        return redirect(url_for(".index"), 303)

    @expose("/<int:registration_id>/valider", methods=["POST"])
    def approve(self, registration_id: int):
        agent = require(*DECIDE_ROLES)
        registration = self._registration(registration_id)
        form = ApproveForm(prefix="valider")
        if not form.validate_on_submit():
            abort(400)
        checks = {"document": form.document.data, "face": form.face.data, "names": form.names.data}
        try:
            review.approve(registration, agent, checks=checks)
        except review.ReviewError as error:
            return self._refused(registration, agent, error, approve_form=form)
        db.session.commit()
        flash(f"Dossier validé : le compte de {registration.full_name} est créé et le lien pour "
              "initialiser son mot de passe lui est envoyé.", "success")
        return redirect(url_for(".dossier", registration_id=registration.id), 303)

    @expose("/<int:registration_id>/refuser", methods=["POST"])
    def refuse(self, registration_id: int):
        agent = require(*DECIDE_ROLES)
        registration = self._registration(registration_id)
        form = RefuseForm(prefix="refuser")
        if not form.validate_on_submit():
            return self._refused(registration, agent, review.ReviewError(
                "; ".join(e for errors in form.errors.values() for e in errors) or "Formulaire invalide."
            ), refuse_form=form)
        try:
            review.refuse(registration, agent, reason=form.reason.data, text=form.text.data or "")
        except review.ReviewError as error:
            return self._refused(registration, agent, error, refuse_form=form)
        db.session.commit()
        flash("Dossier refusé : le motif est envoyé au demandeur par e-mail.", "success")
        return redirect(url_for(".dossier", registration_id=registration.id), 303)

    def _refused(self, registration, agent, error, approve_form=None, refuse_form=None):
        """Show the dossier again with the reason the decision was not taken (409 on conflict)."""
        db.session.rollback()
        conflict = isinstance(error, review.ReviewConflict)
        audit.record("review.decision_refused", actor=agent, target=registration,
                     reason="conflict" if conflict else "invalid")
        db.session.commit()
        registration = db.session.get(Registration, registration.id)
        flash(str(error), "error")
        return self._render_dossier(
            registration, agent, review.live_claim(registration),
            approve_form or ApproveForm(prefix="valider", formdata=None),
            refuse_form or RefuseForm(prefix="refuser", formdata=None),
            status=409 if conflict else 422,
        )
