"""A mandataire's remote identity check at the partner, from start to the result ANS reviews.

ISC opens a verification at the partner and sends the person to its capture page. The partner
then calls the webhook; each event is stored once and processed by a job that reads the
verification back from the partner (the event itself is only a hint, so events arriving twice
or out of order change nothing) and, once the checks are over, puts the dossier in review.
A periodic job reconciles verifications that have had no news for a while.
"""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from isc import audit, registration as registrations
from isc.extensions import db
from isc.identity.client import IdentityVerification, PartnerError, from_config
from isc.identity.signature import verify_webhook
from isc.identity.webhook import parse_event
from isc.jobs import enqueue, job
from isc.models.registration import IdentityCheck, PartnerEvent, Registration, RegistrationStatus
from isc.models.types import utcnow
from isc.registration import RegistrationError

log = logging.getLogger(__name__)

# Partner statuses after which the dossier goes to an ANS agent. An unknown status goes too:
# a person decides what it means.
FINISHED_STATUSES = frozenset({"approved", "declined", "inconclusive", "refused"})
RETRY_STATUS = "retry_required"
WAITING_STATUSES = frozenset({"created", "pending", "capture_in_progress", "checks_in_progress"})
EVENT_RETRIES = (10, 60, 300, 900, 3600)

PARTNER_UNAVAILABLE = (
    "Le service de vérification d'identité de notre partenaire ne répond pas pour le moment. "
    "Réessayez dans quelques minutes ; votre inscription est conservée."
)


def return_url() -> str:
    return f"{current_app.config['BASE_URL']}/inscription/mandataire/verification"


def webhook_url() -> str:
    return f"{current_app.config['BASE_URL']}/partenaires/ubble/webhook"


def start(registration: Registration) -> str:
    """Open (or retry) the verification; returns the partner URL to send the person to."""
    if registration.status == RegistrationStatus.DRAFT:
        registrations.send_to_identity_check(registration)
    elif registration.status != RegistrationStatus.IDENTITY_CHECK:
        raise registrations.IllegalTransition("Votre identité a déjà été vérifiée pour cette inscription.")
    check = registration.identity_check
    if check is None:
        check = IdentityCheck(registration=registration, attempts=0)  # defaults apply at INSERT
        db.session.add(check)
    if check.completed_at is not None:
        raise RegistrationError("Votre identité a déjà été vérifiée pour cette inscription.")
    client = from_config(current_app)
    try:
        if check.applicant_id is None:
            check.applicant_id = client.create_applicant(f"isc-registration-{registration.id}", registration.email)
        if check.verification_id is None:
            check.verification_id = client.create_identity_verification(
                check.applicant_id, registration.full_name, return_url(), webhook_url()
            )
        url = client.create_attempt(check.verification_id, return_url())
    except PartnerError as error:
        log.warning("Partner unavailable for registration %s: %s", registration.id, error)
        raise RegistrationError(PARTNER_UNAVAILABLE) from None
    check.attempts += 1
    check.partner_status = "pending"
    check.last_news_at = utcnow()
    audit.record("identity_check.attempt_started", target=registration, attempt=check.attempts)
    return url


def receive_webhook(signature_header: str | None, body: bytes) -> PartnerEvent:
    """Verify, store once and schedule a partner event; raises InvalidSignature/InvalidEvent."""
    verify_webhook(signature_header, body)
    event = parse_event(body)
    stored = db.session.scalar(sa.select(PartnerEvent).where(PartnerEvent.event_id == event.event_id))
    if stored is not None:
        return stored  # a repeated delivery: already stored and scheduled
    stored = PartnerEvent(
        event_id=event.event_id[:128],
        event_type=event.type[:128],
        verification_id=event.identity_verification_id,
        payload={"type": event.type, "status": event.status, "data": event.data},
    )
    try:
        with db.session.begin_nested():
            db.session.add(stored)
    except sa.exc.IntegrityError:  # the same event delivered twice at the same moment
        return db.session.scalar(sa.select(PartnerEvent).where(PartnerEvent.event_id == event.event_id))
    if not event.type_known:
        log.warning("Unknown partner event type %r (%s): stored", event.type, event.event_id)
    enqueue(process_partner_event, stored.id, retries=EVENT_RETRIES)
    return stored


@job
def process_partner_event(event_pk: int) -> None:
    """Read the verification an event is about from the partner and apply it (idempotent)."""
    event = db.session.get(PartnerEvent, event_pk)
    if event is None or event.processed_at is not None:
        return
    check = _check_for(event.verification_id)
    if check is None:
        event.outcome = "unknown_verification"
        log.warning("Partner event %s is about unknown verification %r", event.event_id, event.verification_id)
    else:
        try:
            refresh(check)
        except PartnerError as error:
            db.session.rollback()
            if error.retryable:
                raise  # RQ tries again later; the reconciliation job is the safety net
            event = db.session.get(PartnerEvent, event_pk)
            event.outcome = "partner_error"
            log.error("Partner refused reading %s: %s", event.verification_id, error)
        else:
            event.outcome = "applied"
    event.processed_at = utcnow()
    db.session.commit()


def _check_for(verification_id: str | None) -> IdentityCheck | None:
    if not verification_id:
        return None
    return db.session.scalar(sa.select(IdentityCheck).where(IdentityCheck.verification_id == verification_id))


def refresh(check: IdentityCheck) -> None:
    """Fetch the verification from the partner and apply it; raises PartnerError."""
    verification = from_config(current_app).get_identity_verification(check.verification_id)
    apply_verification(check, verification)


def apply_verification(check: IdentityCheck, verification: IdentityVerification) -> None:
    """Store what the partner says; once its checks are over, the dossier goes to review."""
    check.partner_status = verification.status[:32]
    check.response_codes = [{"code": code.code, "summary": code.summary} for code in verification.response_codes]
    check.last_news_at = utcnow()
    document = verification.document
    if document is not None:
        check.document_type = document.document_type
        check.document_country = document.issuing_country
        check.document_number = document.number
        check.document_expiry = document.expiry_date
        check.first_names = document.first_names
        check.last_name = document.last_name
        check.birth_date = document.birth_date
    finished = verification.status in FINISHED_STATUSES or not verification.status_known
    registration = check.registration
    if finished and registration.status == RegistrationStatus.IDENTITY_CHECK:
        if not verification.status_known:
            log.warning("Unknown partner status %r for %s: sent to review", verification.status, check.verification_id)
        check.completed_at = utcnow()
        registrations.submit_for_review(registration)


def waiting_checks(older_than: timedelta) -> list[IdentityCheck]:
    """Checks still waiting for the partner with no news for `older_than`."""
    return list(
        db.session.scalars(
            sa.select(IdentityCheck)
            .join(IdentityCheck.registration)
            .where(
                Registration.status == RegistrationStatus.IDENTITY_CHECK,
                IdentityCheck.verification_id.is_not(None),
                IdentityCheck.last_news_at < utcnow() - older_than,
            )
        )
    )


@job
def reconcile() -> int:
    """Ask the partner about every check without news for IDENTITY_RECONCILE_AFTER seconds."""
    done = 0
    delay = timedelta(seconds=current_app.config["IDENTITY_RECONCILE_AFTER"])
    for check in waiting_checks(delay):
        try:
            refresh(check)
        except PartnerError as error:
            log.warning("Reconciliation of %s failed: %s", check.verification_id, error)
            db.session.rollback()
            continue
        db.session.commit()
        done += 1
    return done


@job
def purge_evidence() -> int:
    """Erase the partner's evidence of decided dossiers older than the retention period."""
    cutoff = utcnow() - timedelta(days=current_app.config["IDENTITY_EVIDENCE_RETENTION_DAYS"])
    checks = db.session.scalars(
        sa.select(IdentityCheck)
        .join(IdentityCheck.registration)
        .where(
            Registration.decided_at.is_not(None),
            Registration.decided_at < cutoff,
            IdentityCheck.evidence_purged_at.is_(None),
        )
    ).all()
    for check in checks:
        for field in ("document_number", "document_expiry", "first_names", "last_name", "birth_date"):
            setattr(check, field, None)
        check.evidence_purged_at = utcnow()
        audit.record("identity_check.evidence_purged", target=check.registration)
    db.session.commit()
    return len(checks)
