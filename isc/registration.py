"""A mandataire's registration: the draft, its steps, its status machine and its expiry.

Status moves only through the transition functions at the bottom of this module:

    draft ──send_to_identity_check──▶ identity_check ──submit_for_review──▶ in_review
      │                                   │                                │
      └────────────── expire ─────────────┘               approve ─────────┴───────── refuse
                                                             ▼                          ▼
                                                          approved                   refused

The Kbis (isc/kbis_intake.py) and the partner's check (isc/identity_checks.py) feed the dossier.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from isc import audit, emails, personal_details
from isc.extensions import db
from isc.jobs import job
from isc.models.registration import Registration, RegistrationStatus, RegistrationStep
from isc.models.types import utcnow

# Registrations that hold their username and e-mail: nobody else may take them meanwhile.
ACTIVE_STATUSES = personal_details.REGISTRATIONS_HOLDING_NAMES


class RegistrationError(Exception):
    """A registration step was refused; the message is French and safe to show."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class IllegalTransition(RegistrationError):
    """The registration is not in a status that allows this move."""


@dataclass
class PersonalDetails:
    """What the applicant types at étape 2, before normalisation."""

    username: str
    civility: str
    first_name: str
    last_name: str
    email: str
    phone: str


def validate_personal_details(details: PersonalDetails, *, registration: Registration | None = None) -> dict:
    """Normalised personal details; `RegistrationError` naming the field when one is refused."""
    raw = {field: getattr(details, field) for field in ("username", "civility", "first_name", "last_name", "email")}
    raw["direct_phone"] = details.phone
    try:
        values = personal_details.clean(raw, tuple(raw))
        personal_details.check_available(
            values["username"], values["email"],
            except_registration_id=registration.id if registration is not None else None,
        )
    except personal_details.FieldError as error:
        field = "phone" if error.field == "direct_phone" else error.field
        raise RegistrationError(str(error), field=field) from None
    values["phone"] = values.pop("direct_phone")
    return values


def save_personal_details(
    details: PersonalDetails, cgu_version: str, registration: Registration | None = None
) -> Registration:
    """Create the draft (or update it) from étape 2; the journey moves on to the company step."""
    if registration is not None:
        require_status(registration, RegistrationStatus.DRAFT)
    values = validate_personal_details(details, registration=registration)
    if registration is None:
        registration = Registration()
        db.session.add(registration)
    names = (values["first_name"], values["last_name"])
    names_changed = (registration.first_name, registration.last_name) != names
    for name, value in values.items():
        setattr(registration, name, value)
    if names_changed and registration.kbis is not None:
        # The Kbis was checked against the former names: check it again before "Suivant".
        from isc.kbis_intake import check_again

        check_again(registration.kbis)
        registration.step = RegistrationStep.COMPANY
    if registration.cgu_version != cgu_version:
        registration.cgu_version = cgu_version
        registration.cgu_accepted_at = utcnow()
    if registration.step in (None, RegistrationStep.PERSONAL):  # None: new, not flushed yet
        registration.step = RegistrationStep.COMPANY
    db.session.flush()
    audit.record("registration.personal_saved", target=registration)
    return registration


def move_to_identity_step(registration: Registration) -> None:
    """Leave étape 3 once the Kbis passed every check."""
    require_status(registration, RegistrationStatus.DRAFT)
    if registration.kbis is None or not registration.kbis.passed:
        raise RegistrationError("Déposez et faites vérifier un Kbis valide avant de continuer.")
    registration.step = RegistrationStep.IDENTITY


def record_consent(registration: Registration, version: str) -> None:
    """The applicant accepted that the partner films their ID document and face."""
    require_status(registration, RegistrationStatus.DRAFT, RegistrationStatus.IDENTITY_CHECK)
    registration.consent_version = version
    registration.consent_at = utcnow()
    audit.record("registration.consent_given", target=registration, version=version)


def is_expired(registration: Registration) -> bool:
    ttl = timedelta(seconds=current_app.config["REGISTRATION_DRAFT_TTL"])
    return registration.status == RegistrationStatus.DRAFT and utcnow() - registration.updated_at > ttl


# --- "Reprendre plus tard" ----------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def send_resume_link(registration: Registration) -> None:
    """E-mail a single-use link that brings the applicant back to where they stopped."""
    require_status(registration, RegistrationStatus.DRAFT, RegistrationStatus.IDENTITY_CHECK)
    if not registration.email:
        raise RegistrationError("Renseignez d'abord votre adresse e-mail.")
    token = secrets.token_urlsafe(32)
    ttl = current_app.config["REGISTRATION_RESUME_LINK_TTL"]
    registration.resume_token_hash = _hash(token)
    registration.resume_expires_at = utcnow() + timedelta(seconds=ttl)
    url = f"{current_app.config['BASE_URL']}/inscription/mandataire/reprendre/{token}"
    emails.send("registration_resume", registration.email, registration=registration, url=url,
                ttl_hours=max(ttl // 3600, 1))
    audit.record("registration.resume_link_sent", target=registration)


def resume(token: str) -> Registration | None:
    """The registration this resume token opens (and spends), if still valid."""
    if not token or len(token) > 128:
        return None
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.resume_token_hash == _hash(token))
    )
    if (
        registration is None
        or registration.resume_expires_at is None
        or registration.resume_expires_at < utcnow()
        or registration.status not in (RegistrationStatus.DRAFT, RegistrationStatus.IDENTITY_CHECK)
        or is_expired(registration)
    ):
        return None
    spent = db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id, Registration.resume_token_hash == _hash(token))
        .values(resume_token_hash=None, resume_expires_at=None)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if spent != 1:
        return None
    audit.record("registration.resumed", target=registration)
    return registration


# --- Transitions -----------------------------------------------------------------------------------


def require_status(registration: Registration, *allowed: RegistrationStatus) -> None:
    if registration.status not in allowed:
        raise IllegalTransition(
            "Cette inscription ne peut plus être modifiée à cette étape "
            f"(statut : {registration.status.value})."
        )


def send_to_identity_check(registration: Registration) -> None:
    require_status(registration, RegistrationStatus.DRAFT)
    if registration.consent_at is None:
        raise RegistrationError("Acceptez la collecte des données pour continuer.", field="consent")
    if registration.kbis is None or not registration.kbis.passed:
        raise RegistrationError("Déposez et faites vérifier un Kbis valide avant de continuer.")
    registration.status = RegistrationStatus.IDENTITY_CHECK
    audit.record("registration.identity_check_started", target=registration)


def submit_for_review(registration: Registration) -> None:
    """The partner finished its checks: the dossier waits for an ANS agent."""
    require_status(registration, RegistrationStatus.IDENTITY_CHECK)
    registration.status = RegistrationStatus.IN_REVIEW
    registration.submitted_at = utcnow()
    registration.resume_token_hash = None
    audit.record("registration.submitted", actor_label="partner", target=registration)
    emails.send("registration_in_review", registration.email, registration=registration)


def approve(registration: Registration) -> None:
    """ANS validated the dossier (the review console, isc/review.py, creates the account)."""
    _decide(registration, RegistrationStatus.APPROVED)


def refuse(registration: Registration) -> None:
    """ANS refused the dossier (isc/review.py e-mails the reason)."""
    _decide(registration, RegistrationStatus.REFUSED)


def _decide(registration: Registration, status: RegistrationStatus) -> None:
    # A conditional UPDATE, not only the check in Python: of two concurrent decisions, the
    # database lets exactly one move the row out of in_review.
    require_status(registration, RegistrationStatus.IN_REVIEW)
    moved = db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id, Registration.status == RegistrationStatus.IN_REVIEW)
        .values(status=status, decided_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if moved != 1:
        raise IllegalTransition("Ce dossier a déjà fait l'objet d'une décision.")


def expire(registration: Registration) -> None:
    """An abandoned draft: its personal data and Kbis are erased, the row stays for the audit."""
    require_status(registration, RegistrationStatus.DRAFT)
    from isc.kbis_intake import delete_kbis

    if registration.kbis is not None:
        delete_kbis(registration.kbis)
    registration.status = RegistrationStatus.EXPIRED
    for field in ("username", "first_name", "last_name", "email", "phone", "resume_token_hash"):
        setattr(registration, field, None)
    audit.record("registration.expired", target=registration)


@job
def purge_expired_drafts() -> int:
    """Erase the registrations left unfinished past REGISTRATION_DRAFT_TTL."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["REGISTRATION_DRAFT_TTL"])
    drafts = db.session.scalars(
        sa.select(Registration).where(
            Registration.status == RegistrationStatus.DRAFT, Registration.updated_at < cutoff
        )
    ).all()
    for draft in drafts:
        expire(draft)
    db.session.commit()
    return len(drafts)
