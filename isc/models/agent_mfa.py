"""An agent's second factor: the last TOTP time step used, and single-use recovery codes."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from isc.extensions import db
from isc.models.types import UTCDateTime, utcnow


class AgentTotpState(db.Model):
    """One row per enrolled agent; `last_step` refuses a code used twice (RFC 6238 §5.2)."""

    __tablename__ = "agent_totp_state"

    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True)
    last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgentRecoveryCode(db.Model):
    """A single-use recovery code, stored as a SHA-256 hash (the code has 50 random bits and
    the sign-in form is throttled)."""

    __tablename__ = "agent_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("agent.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
