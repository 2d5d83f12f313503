"""An ANS agent, who works in the review console."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from isc.extensions import db
from isc.models.types import UTCDateTime, enum_column, utcnow


class AgentRole(enum.StrEnum):
    REVIEWER = "reviewer"  # reviews dossiers and decides
    ADMINISTRATOR = "administrator"  # everything, including agents and services
    AUDITOR = "auditor"  # reads only


class Agent(UserMixin, db.Model):
    __tablename__ = "agent"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored lower-case
    full_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[AgentRole] = mapped_column(enum_column(AgentRole))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # The base32 TOTP secret, set once the agent has enrolled a second factor; encrypted
    # (isc/secret_box.py; read and written by isc/agent_auth.py only), never in clear.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def totp_enrolled(self) -> bool:
        return self.totp_secret_encrypted is not None

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login
        return f"agent:{self.id}"

    def __repr__(self) -> str:
        return f"<Agent {self.email} {self.role.value}>"
