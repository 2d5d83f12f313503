"""A mandataire's registration: the dossier ANS reviews (declared identity, Kbis, partner check)."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isc.extensions import db
from isc.models.types import UTCDateTime, enum_column, utcnow
from isc.models.user import Civility


class RegistrationStatus(enum.StrEnum):
    DRAFT = "draft"  # being filled in by the applicant
    IDENTITY_CHECK = "identity_check"  # sent to the identity partner, waiting for its result
    IN_REVIEW = "in_review"  # complete: waiting for an ANS agent's decision
    APPROVED = "approved"
    REFUSED = "refused"
    EXPIRED = "expired"  # a draft left unfinished past REGISTRATION_DRAFT_TTL; data purged


class RegistrationStep(enum.StrEnum):
    """Where the applicant is in the journey (what "Reprendre plus tard" brings back)."""

    PERSONAL = "personal"  # étape 2 : informations personnelles
    COMPANY = "company"  # étape 3 : votre entreprise (Kbis)
    IDENTITY = "identity"  # étape 4 : consentement puis vérification d'identité


class Registration(db.Model):
    __tablename__ = "registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus), default=RegistrationStatus.DRAFT, index=True
    )
    step: Mapped[RegistrationStep] = mapped_column(
        enum_column(RegistrationStep), default=RegistrationStep.PERSONAL
    )
    # Declared by the applicant (étape 2).
    username: Mapped[str | None] = mapped_column(sa.String(64))
    civility: Mapped[Civility | None] = mapped_column(enum_column(Civility))
    first_name: Mapped[str | None] = mapped_column(sa.String(100))
    last_name: Mapped[str | None] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    cgu_version: Mapped[str | None] = mapped_column(sa.String(16))
    cgu_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Consent to the identity check (étape 4): when, and which text version.
    consent_version: Mapped[str | None] = mapped_column(sa.String(16))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An existing company with the Kbis's SIREN: flagged for the reviewer, never merged silently.
    existing_company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id"))
    # "Reprendre plus tard": SHA-256 of the single-use e-mailed token, and its expiry.
    resume_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    resume_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # → in review
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    kbis: Mapped["KbisDocument | None"] = relationship(
        back_populates="registration", uselist=False, cascade="all, delete-orphan"
    )
    identity_check: Mapped["IdentityCheck | None"] = relationship(
        back_populates="registration", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name or ''} {self.last_name or ''}".strip()


class KbisStatus(enum.StrEnum):
    UPLOADED = "uploaded"  # stored, not read yet
    READING = "reading"  # a job is reading it
    READ = "read"  # read; `checks` says whether it passed
    UNREADABLE = "unreadable"  # the file could not be read; `error` says why


class KbisDocument(db.Model):
    """The Kbis extract a mandataire uploaded, and what ISC read from it."""

    __tablename__ = "kbis_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id"), unique=True)
    # Generated file name in KBIS_UPLOAD_FOLDER (never the uploaded name), and its SHA-256.
    stored_name: Mapped[str] = mapped_column(sa.String(80))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    original_name: Mapped[str] = mapped_column(sa.String(255))  # shown to the applicant only
    size: Mapped[int]
    pages: Mapped[int]
    status: Mapped[KbisStatus] = mapped_column(enum_column(KbisStatus), default=KbisStatus.UPLOADED)
    error: Mapped[str | None] = mapped_column(sa.Text)  # French message when unreadable
    # What was read (siren, denomination, legal_form, addresses, dates, dirigeants, problems).
    extract: Mapped[dict | None] = mapped_column(sa.JSON)
    # The checks' results: [{"code", "passed", "message"}].
    checks: Mapped[list | None] = mapped_column(sa.JSON)
    siren: Mapped[str | None] = mapped_column(sa.String(9), index=True)
    extract_date: Mapped[date | None]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship(back_populates="kbis")

    @property
    def passed(self) -> bool:
        return self.status == KbisStatus.READ and bool(self.checks) and all(
            check["passed"] for check in self.checks
        )


class IdentityCheck(db.Model):
    """The remote identity verification of a mandataire at the partner (Ubble)."""

    __tablename__ = "identity_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id"), unique=True)
    applicant_id: Mapped[str | None] = mapped_column(sa.String(64))  # aplt_...
    verification_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # idv_...
    # The partner's status as last fetched (created, capture_in_progress, approved, ...).
    partner_status: Mapped[str] = mapped_column(sa.String(32), default="created")
    response_codes: Mapped[list | None] = mapped_column(sa.JSON)  # [{"code", "summary"}]
    document_type: Mapped[str | None] = mapped_column(sa.String(32))
    document_country: Mapped[str | None] = mapped_column(sa.String(8))
    document_number: Mapped[str | None] = mapped_column(sa.String(64))
    document_expiry: Mapped[date | None]
    first_names: Mapped[str | None] = mapped_column(sa.String(200))
    last_name: Mapped[str | None] = mapped_column(sa.String(100))
    birth_date: Mapped[date | None]
    attempts: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_news_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # webhook or fetch
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evidence_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship(back_populates="identity_check")


class PartnerEvent(db.Model):
    """A webhook the partner sent, stored once (its id is unique) before it is processed."""

    __tablename__ = "partner_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(128), unique=True)
    event_type: Mapped[str] = mapped_column(sa.String(128))
    verification_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    payload: Mapped[dict] = mapped_column(sa.JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(sa.String(64))  # applied, unknown_verification, ...
