"""A signed-in browser session, kept server side so that it can be listed and revoked."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isc.extensions import db
from isc.models.types import UTCDateTime, utcnow


class AuthSession(db.Model):
    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random session id held in the signed cookie.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agent.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(255), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(sa.String(32))  # sign_out, idle, expired, ...

    user = relationship("User")
    agent = relationship("Agent")
