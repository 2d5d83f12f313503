"""An audit event: who did what to what, from where and when."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from isc.extensions import db
from isc.models.types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_target", "target_type", "target_id"),
        sa.Index("ix_audit_event_actor", "actor_type", "actor_id"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                    primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_type: Mapped[str] = mapped_column(sa.String(16))  # user, agent, system, anonymous
    actor_id: Mapped[int | None]
    # What identified the actor at the time (username, e-mail or attempted login).
    actor_label: Mapped[str] = mapped_column(sa.String(254), default="")
    action: Mapped[str] = mapped_column(sa.String(64), index=True)  # e.g. "sign_in.failure"
    target_type: Mapped[str | None] = mapped_column(sa.String(32))
    target_id: Mapped[int | None]
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
