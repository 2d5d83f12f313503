"""A mandataire's request to change their company's details, decided by ANS."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isc.extensions import db
from isc.models.types import UTCDateTime, enum_column, utcnow


class ChangeStatus(enum.StrEnum):
    PENDING = "pending"  # à traiter
    APPROVED = "approved"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {"pending": "À traiter", "approved": "Validée", "refused": "Refusée"}[self.value]


class CompanyChangeRequest(db.Model):
    __tablename__ = "company_change_request"
    __table_args__ = (sa.Index("ix_company_change_request_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id"), index=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    # {field: value} as requested, and the company's values when the request was made.
    requested: Mapped[dict] = mapped_column(sa.JSON)
    previous: Mapped[dict] = mapped_column(sa.JSON)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ChangeStatus] = mapped_column(enum_column(ChangeStatus), default=ChangeStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agent.id"))
    decision_comment: Mapped[str] = mapped_column(sa.Text, default="")  # e-mailed on refusal

    company = relationship("Company")
    requester = relationship("User")
    decided_by = relationship("Agent")
