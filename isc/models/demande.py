"""A demande: a représentant's or salarié's registration, or a person's request to change their
personal details, waiting for someone of the company (or ANS, for a mandataire) to decide."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isc.extensions import db
from isc.models.types import UTCDateTime, enum_column, utcnow


class DemandeKind(enum.StrEnum):
    REGISTRATION = "registration"  # demande d'inscription: the person's account is pending
    MODIFICATION = "modification"  # demande de modification of one's personal details

    @property
    def label(self) -> str:
        return {"registration": "Demande d'inscription", "modification": "Demande de modification"}[self.value]

    @property
    def description(self) -> str:
        """The "Description" column of "Vos demandes à traiter"."""
        return {"registration": "Valider l'inscription",
                "modification": "Modification de données utilisateur"}[self.value]


class DemandeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    CANCELLED = "cancelled"  # the person's account was deleted, or the demande expired

    @property
    def label(self) -> str:
        return {"pending": "À traiter", "approved": "Validée", "refused": "Refusée",
                "cancelled": "Annulée"}[self.value]


class Demande(db.Model):
    __tablename__ = "demande"
    __table_args__ = (
        sa.Index("ix_demande_company_status_created", "company_id", "status", "created_at"),
        sa.Index("ix_demande_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id"))
    # Whom the demande is about: the applicant (pending account) or the person asking a change.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    kind: Mapped[DemandeKind] = mapped_column(enum_column(DemandeKind))
    status: Mapped[DemandeStatus] = mapped_column(enum_column(DemandeStatus), default=DemandeStatus.PENDING)
    # Modifications: {field: value} asked for, and the person's values when they asked.
    requested: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    previous: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    comment: Mapped[str] = mapped_column(sa.Text, default="")  # "Commentaire associé à la demande"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Decided by a person of the company, or by an ANS agent (a mandataire's modification).
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_by_agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agent.id"))
    decision_comment: Mapped[str] = mapped_column(sa.Text, default="")  # e-mailed on refusal

    company = relationship("Company")
    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    decided_by_agent = relationship("Agent")

    def __repr__(self) -> str:
        return f"<Demande {self.id} {self.kind.value} {self.status.value}>"
