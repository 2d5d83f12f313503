"""The ANS review of a mandataire's registration: who holds the dossier, and what was decided."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isc.extensions import db
from isc.models.registration import Registration
from isc.models.types import UTCDateTime, enum_column, utcnow

# The review queue lists the registrations in review oldest submission first, and the decided
# ones latest decision first.
sa.Index("ix_registration_status_submitted_at", Registration.status, Registration.submitted_at)
sa.Index("ix_registration_status_decided_at", Registration.status, Registration.decided_at)


class ReviewOutcome(enum.StrEnum):
    APPROVED = "approved"
    REFUSED = "refused"


class ReviewClaim(db.Model):
    """An agent holds a dossier for a while, so that two agents never review it at once.

    One row per dossier at most (the primary key is the registration): taking a dossier inserts
    the row, or takes over an expired claim with a conditional UPDATE.
    """

    __tablename__ = "review_claim"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("agent.id"), index=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    agent = relationship("Agent")

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at


class ReviewDecision(db.Model):
    """The agent's decision on a dossier; at most one per registration (unique constraint)."""

    __tablename__ = "review_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id"), unique=True)
    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("agent.id"), index=True)
    outcome: Mapped[ReviewOutcome] = mapped_column(enum_column(ReviewOutcome))
    # The guide's three checks as the agent ticked them: {"document": true, "face": ..., "names": ...}.
    checks: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # The automatic consistency checks as shown to the agent: [{"code", "passed", "message"}].
    automatic_checks: Mapped[list] = mapped_column(sa.JSON, default=list)
    reason_code: Mapped[str | None] = mapped_column(sa.String(64))  # refusals: a REFUSAL_REASONS key
    reason_text: Mapped[str] = mapped_column(sa.Text, default="")  # the agent's own words, e-mailed
    # Approvals: the company created or linked, and the mandataire's account.
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    company_created: Mapped[bool] = mapped_column(default=False)
    # Seconds between the submission and the decision (the 24 h target of the guide).
    waited_seconds: Mapped[int] = mapped_column(default=0)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    agent = relationship("Agent")
    registration: Mapped[Registration] = relationship()
