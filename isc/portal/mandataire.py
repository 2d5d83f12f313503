"""The mandataire's registration journey (guide steps 2 to 10), one view per screen.

The registration in progress is remembered in the browser's session (`registration_id`); the
"Reprendre plus tard" e-mail brings it back on another browser or another day.
"""

import functools

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for

from isc import identity_checks, kbis_intake, registration as registrations
from isc.extensions import db
from isc.identity.checks import review_checks
from isc.identity.codes import code_label
from isc.models.registration import Registration, RegistrationStatus, RegistrationStep
from isc.portal.mandataire_forms import ConsentForm, EmptyForm, KbisUploadForm, PersonalDetailsForm
from isc.portal.pages import CGU_VERSION
from isc.registration import PersonalDetails, RegistrationError

blueprint = Blueprint("mandataire", __name__, url_prefix="/inscription/mandataire")

SESSION_KEY = "registration_id"
STEP_ENDPOINTS = {
    RegistrationStep.PERSONAL: "mandataire.personal",
    RegistrationStep.COMPANY: "mandataire.company",
    RegistrationStep.IDENTITY: "mandataire.identity",
}


def _current() -> Registration | None:
    registration_id = session.get(SESSION_KEY)
    registration = db.session.get(Registration, registration_id) if registration_id else None
    if (
        registration is None
        or registration.status == RegistrationStatus.EXPIRED  # purged: nothing left to show
        or registrations.is_expired(registration)
    ):
        session.pop(SESSION_KEY, None)
        return None
    return registration


def _where_to_go(registration: Registration):
    if registration.status == RegistrationStatus.DRAFT:
        return redirect(url_for(STEP_ENDPOINTS[registration.step]))
    return redirect(url_for("mandataire.verification"))


def draft_required(*steps: RegistrationStep):
    """Load the draft into `g.registration`; send the person where their draft really is."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            registration = _current()
            if registration is None:
                flash("Votre inscription n'a pas été trouvée ou a expiré : recommencez depuis le début.", "warning")
                return redirect(url_for("mandataire.personal"))
            if registration.status != RegistrationStatus.DRAFT or registration.step not in steps:
                return _where_to_go(registration)
            g.registration = registration
            return view(*args, **kwargs)

        return guarded

    return decorate


@blueprint.route("", methods=["GET", "POST"])
def personal():
    """Étape 2 : Informations personnelles."""
    registration = _current()
    if registration is not None and registration.status != RegistrationStatus.DRAFT:
        return _where_to_go(registration)
    form = PersonalDetailsForm(obj=registration if request.method == "GET" else None)
    if request.method == "GET" and registration is not None:
        form.civility.data = registration.civility.value if registration.civility else ""
        form.accept_cgu.data = registration.cgu_version == CGU_VERSION
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            details = PersonalDetails(
                username=form.username.data, civility=form.civility.data, first_name=form.first_name.data,
                last_name=form.last_name.data, email=form.email.data, phone=form.phone.data,
            )
            try:
                registration = registrations.save_personal_details(details, CGU_VERSION, registration)
            except RegistrationError as error:
                db.session.rollback()
                getattr(form, error.field or "username").errors.append(str(error))
            else:
                db.session.commit()
                session[SESSION_KEY] = registration.id
                return redirect(url_for("mandataire.company"), 303)
    return render_template("portal/mandataire/personal.html", form=form, registration=registration), status


@blueprint.route("/entreprise", methods=["GET", "POST"])
@draft_required(RegistrationStep.COMPANY, RegistrationStep.IDENTITY)
def company():
    """Étape 3 : Votre entreprise (dépôt et vérification du Kbis)."""
    registration = g.registration
    form = KbisUploadForm()
    status = 200
    if form.is_submitted():
        status = 422
        try:
            _upload_kbis(form, registration)
        except RegistrationError as error:
            db.session.commit()  # keeps the audit event of the rejected file
            form.kbis.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for("mandataire.company"), 303)
    db.session.refresh(registration)
    return render_template(
        "portal/mandataire/company.html", form=form, registration=registration, kbis=registration.kbis,
        next_form=EmptyForm(), resume_form=EmptyForm(),
    ), status


def _upload_kbis(form: KbisUploadForm, registration: Registration) -> None:
    """Store the uploaded file; its size, type and readability are checked by kbis_intake.

    (A request far above the limit never gets here: MAX_CONTENT_LENGTH answers 413 first.)
    """
    if not form.validate():
        raise RegistrationError("Le formulaire a expiré : rechargez la page et déposez à nouveau le fichier.")
    upload = form.kbis.data
    if upload is None or not upload.filename:
        raise RegistrationError("Sélectionnez le fichier PDF de votre extrait Kbis.")
    data = upload.read(current_app.config["KBIS_MAX_SIZE"] + 1)
    kbis_intake.store_kbis(registration, data, upload.filename)


@blueprint.route("/entreprise/statut")
@draft_required(RegistrationStep.COMPANY, RegistrationStep.IDENTITY)
def company_status():
    """Where the reading of the Kbis stands (the page asks while it is being read)."""
    kbis = g.registration.kbis
    return jsonify(status=kbis.status.value if kbis else "none")


@blueprint.route("/entreprise/suivant", methods=["POST"])
@draft_required(RegistrationStep.COMPANY, RegistrationStep.IDENTITY)
def company_next():
    if not EmptyForm().validate():
        return redirect(url_for("mandataire.company"), 303)
    try:
        registrations.move_to_identity_step(g.registration)
    except RegistrationError as error:
        flash(str(error), "error")
        return redirect(url_for("mandataire.company"), 303)
    db.session.commit()
    return redirect(url_for("mandataire.identity"), 303)


@blueprint.route("/identite", methods=["GET", "POST"])
@draft_required(RegistrationStep.IDENTITY)
def identity():
    """Étape 4 : recueil du consentement, puis départ vers le partenaire."""
    registration = g.registration
    form = ConsentForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            registrations.record_consent(registration, current_app.config["IDENTITY_CONSENT_VERSION"])
            try:
                partner_url = identity_checks.start(registration)
            except RegistrationError as error:
                db.session.rollback()
                flash(str(error), "error")
                status = 503
            else:
                db.session.commit()
                return redirect(partner_url, 303)
    return render_template(
        "portal/mandataire/identity.html", form=form, registration=registration, resume_form=EmptyForm()
    ), status


@blueprint.route("/reprendre-plus-tard", methods=["POST"])
def resume_later():
    """"Reprendre plus tard": e-mail a link back to the current step."""
    registration = _current()
    if registration is None or not EmptyForm().validate():
        return redirect(url_for("mandataire.personal"), 303)
    try:
        registrations.send_resume_link(registration)
    except RegistrationError as error:
        flash(str(error), "error")
        return _where_to_go(registration)
    db.session.commit()
    session.pop(SESSION_KEY, None)
    return render_template("portal/mandataire/resume_sent.html", email=registration.email)


@blueprint.route("/reprendre/<token>")
def resume(token: str):
    registration = registrations.resume(token)
    if registration is None:
        db.session.rollback()
        return render_template("portal/mandataire/resume_unusable.html"), 410
    db.session.commit()
    session[SESSION_KEY] = registration.id
    flash("Vous reprenez votre inscription là où vous l'aviez laissée.", "info")
    return _where_to_go(registration)


@blueprint.route("/verification")
def verification():
    """Back from the partner: follow the check, then "Vérification de votre identité terminée"."""
    registration = _current()
    if registration is None:
        return render_template("portal/mandataire/verification_lost.html"), 404
    if registration.status == RegistrationStatus.DRAFT:
        return _where_to_go(registration)
    check = registration.identity_check
    checks = review_checks([c["code"] for c in check.response_codes or []]) if check else None
    return render_template(
        "portal/mandataire/verification.html",
        registration=registration,
        state=_verification_state(registration),
        checks=checks,
        retry_reasons=[code_label(code) for code in checks.retry_codes] if checks else [],
        retry_form=EmptyForm(),
    )


def _verification_state(registration: Registration) -> str:
    if registration.status != RegistrationStatus.IDENTITY_CHECK:
        return "done"
    check = registration.identity_check
    if check is not None and check.partner_status == identity_checks.RETRY_STATUS:
        return "retry"
    return "waiting"


@blueprint.route("/verification/statut")
def verification_status():
    registration = _current()
    if registration is None:
        return jsonify(state="unknown"), 404
    return jsonify(state=_verification_state(registration))


@blueprint.route("/verification/reessayer", methods=["POST"])
def verification_retry():
    """"Retry required": a new attempt at the partner."""
    registration = _current()
    if registration is None or not EmptyForm().validate():
        return redirect(url_for("mandataire.verification"), 303)
    try:
        partner_url = identity_checks.start(registration)
    except RegistrationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("mandataire.verification"), 303)
    db.session.commit()
    return redirect(partner_url, 303)
