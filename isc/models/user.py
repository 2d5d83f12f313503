"""A company user (mandataire, représentant or salarié) and their e-mailed password links."""

import enum
import secrets
import unicodedata
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isc.extensions import db
from isc.models.types import UTCDateTime, enum_column, utcnow


class Role(enum.StrEnum):
    MANDATAIRE = "mandataire"
    REPRESENTANT = "representant"
    SALARIE = "salarie"

    @property
    def label(self) -> str:
        return {"mandataire": "Mandataire", "representant": "Représentant", "salarie": "Salarié"}[
            self.value
        ]


class UserStatus(enum.StrEnum):
    PENDING = "pending"  # awaiting validation by ANS or by the company
    ACTIVE = "active"
    DISABLED = "disabled"
    DELETED = "deleted"  # personal data erased; the row stays for the audit trail


class Civility(enum.StrEnum):
    MADAME = "madame"
    MONSIEUR = "monsieur"

    @property
    def label(self) -> str:
        return {"madame": "Madame", "monsieur": "Monsieur"}[self.value]


def new_public_id() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable, opaque identifier given to services (the OpenID Connect `sub`).
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_public_id)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    status: Mapped[UserStatus] = mapped_column(enum_column(UserStatus), default=UserStatus.PENDING)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)  # stored lower-case
    civility: Mapped[Civility] = mapped_column(enum_column(Civility))
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored lower-case
    phone: Mapped[str] = mapped_column(sa.String(32), default="")  # E.164
    direct_phone: Mapped[str] = mapped_column(sa.String(32), default="")  # E.164
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person last followed a link e-mailed to `email` (first password, reset): their
    # address is proven since then. None again as soon as the address changes.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What "Rechercher un collaborateur" looks in: search_key() of the names, e-mail, username.
    search_text: Mapped[str] = mapped_column(sa.String(600), default="")

    company: Mapped["Company"] = relationship(back_populates="users")  # noqa: F821

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.status == UserStatus.ACTIVE

    def get_id(self) -> str:  # Flask-Login
        return f"user:{self.id}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


def search_key(*parts: str | None) -> str:
    """Text as searches compare it: lower case, without accents ("Émilie" → "emilie")."""
    text = unicodedata.normalize("NFKD", " ".join(part or "" for part in parts))
    return "".join(char for char in text if not unicodedata.combining(char)).casefold()


@sa.event.listens_for(User, "before_insert")
@sa.event.listens_for(User, "before_update")
def _refresh_search_text(mapper, connection, user: User) -> None:
    user.search_text = search_key(user.last_name, user.first_name, user.email, user.username)


class LinkPurpose(enum.StrEnum):
    SETUP = "setup"  # first password, after the account is validated
    RESET = "reset"  # forgotten password


class PasswordLink(db.Model):
    """A single-use, expiring link to set a password; only the token's hash is stored."""

    __tablename__ = "password_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # SHA-256, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at
