"""The OpenID Connect side of the model: services (the relying parties), what a person allowed
them, the codes and tokens ISC issued, its signing keys and the back-channel logouts it owes.

Secrets (client secrets, codes, access and refresh tokens) are stored as SHA-256 hashes only:
they are long random strings, so a hash is as good as a slow one, and a stolen database gives
nothing usable.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isc.extensions import db
from isc.models.types import UTCDateTime, enum_column, utcnow

# Every scope ISC knows, in the order the consent screen lists them.
ALL_SCOPES = ("openid", "profile", "email", "phone", "address", "isc")


class ClientAuthMethod(enum.StrEnum):
    """How a service authenticates at the token endpoint (OpenID Connect Registration)."""

    CLIENT_SECRET_BASIC = "client_secret_basic"
    CLIENT_SECRET_POST = "client_secret_post"
    PRIVATE_KEY_JWT = "private_key_jwt"
    NONE = "none"  # public client (single-page or native application): PKCE instead

    @property
    def label(self) -> str:
        return {
            "client_secret_basic": "Secret (HTTP Basic)",
            "client_secret_post": "Secret (formulaire)",
            "private_key_jwt": "Clé privée (JWT signé)",
            "none": "Client public (PKCE)",
        }[self.value]


service_company = sa.Table(
    "service_company",
    db.metadata,
    sa.Column("service_id", sa.ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("company_id", sa.ForeignKey("company.id", ondelete="CASCADE"), primary_key=True),
)


class Service(db.Model):
    """An ANS service reached through ISC: an OpenID Connect client (relying party)."""

    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    logo_url: Mapped[str] = mapped_column(sa.String(500), default="")
    home_url: Mapped[str] = mapped_column(sa.String(500), default="")
    # Where "Accéder" sends a person: the service starts its sign-in from there
    # (OpenID Connect third-party initiated login).
    initiate_login_uri: Mapped[str] = mapped_column(sa.String(500), default="")
    redirect_uris: Mapped[list] = mapped_column(sa.JSON, default=list)  # exact match
    post_logout_redirect_uris: Mapped[list] = mapped_column(sa.JSON, default=list)
    backchannel_logout_uri: Mapped[str] = mapped_column(sa.String(500), default="")
    allowed_scopes: Mapped[str] = mapped_column(sa.String(255), default=" ".join(ALL_SCOPES))
    auth_method: Mapped[ClientAuthMethod] = mapped_column(
        enum_column(ClientAuthMethod), default=ClientAuthMethod.CLIENT_SECRET_BASIC
    )
    # "sha256:<hex>" of the secret, shown once at creation or rotation; None for public clients.
    client_secret_hash: Mapped[str | None] = mapped_column(sa.String(80))
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Public keys of a private_key_jwt client, as a JWK Set.
    jwks: Mapped[dict | None] = mapped_column(sa.JSON)
    id_token_signed_response_alg: Mapped[str] = mapped_column(sa.String(8), default="RS256")
    # First-party services (run by ANS) skip the consent screen.
    first_party: Mapped[bool] = mapped_column(default=False)
    # False: only the companies listed in service_company may use it.
    all_companies: Mapped[bool] = mapped_column(default=True)
    # Role values ("mandataire", ...) allowed to use it; empty: every role.
    allowed_roles: Mapped[list] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    companies: Mapped[list["Company"]] = relationship(secondary=service_company)  # noqa: F821

    @property
    def is_public(self) -> bool:
        return self.auth_method == ClientAuthMethod.NONE

    @property
    def scopes(self) -> list[str]:
        return self.allowed_scopes.split()

    def __repr__(self) -> str:
        return f"<Service {self.name} {self.client_id}>"


class Consent(db.Model):
    """The scopes a person allowed a (non first-party) service to receive."""

    __tablename__ = "oidc_consent"
    __table_args__ = (sa.UniqueConstraint("user_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    service_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(sa.String(255))  # space-separated, sorted
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service] = relationship()


class AuthorizationCode(db.Model):
    """A code handed to a service's redirect URI: single use, short-lived."""

    __tablename__ = "oidc_authorization_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    service_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    # The ISC browser session the person signed in with (auth_time, sid, back-channel logout).
    auth_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("auth_session.id", ondelete="SET NULL"), index=True
    )
    redirect_uri: Mapped[str] = mapped_column(sa.String(500))
    scope: Mapped[str] = mapped_column(sa.String(255))
    nonce: Mapped[str | None] = mapped_column(sa.String(255))
    code_challenge: Mapped[str | None] = mapped_column(sa.String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(sa.String(8))
    auth_time: Mapped[datetime] = mapped_column(UTCDateTime)
    acr: Mapped[str] = mapped_column(sa.String(64))
    amr: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service: Mapped[Service] = relationship()
    user = relationship("User")

    # Authlib's AuthorizationCodeMixin and its OpenID Connect additions.
    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return int(self.auth_time.timestamp())

    def get_acr(self) -> str:
        return self.acr

    def get_amr(self) -> list:
        return list(self.amr)


class TokenFamily(db.Model):
    """Everything issued from one authorization code: its tokens and their refreshed
    successors. Revoking the family revokes them all (code reuse, refresh-token reuse,
    password change, sign-out, account disabled)."""

    __tablename__ = "oidc_token_family"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    auth_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("auth_session.id", ondelete="SET NULL"), index=True
    )
    authorization_code_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("oidc_authorization_code.id", ondelete="SET NULL"), unique=True
    )
    scope: Mapped[str] = mapped_column(sa.String(255))
    auth_time: Mapped[datetime] = mapped_column(UTCDateTime)
    acr: Mapped[str] = mapped_column(sa.String(64))
    amr: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # No refresh token of the family is accepted after this (absolute lifetime).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str | None] = mapped_column(sa.String(32))

    service: Mapped[Service] = relationship()
    user = relationship("User")


class Token(db.Model):
    """An access token and, with it, the refresh token issued in the same response."""

    __tablename__ = "oidc_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(
        sa.ForeignKey("oidc_token_family.id", ondelete="CASCADE"), index=True
    )
    access_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    refresh_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    scope: Mapped[str] = mapped_column(sa.String(255))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    access_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    access_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the refresh token was exchanged (rotation): presenting it again is a reuse.
    refresh_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    family: Mapped[TokenFamily] = relationship()


class SigningKey(db.Model):
    """A key ISC signs ID tokens and logout tokens with. The private half is encrypted with a
    key derived from OIDC_KEYS_SECRET (or SECRET_KEY); retired keys stay published in the
    JWKS until the tokens they signed have expired."""

    __tablename__ = "oidc_signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    alg: Mapped[str] = mapped_column(sa.String(8))  # RS256, ES256
    public_jwk: Mapped[dict] = mapped_column(sa.JSON)
    private_key_encrypted: Mapped[str] = mapped_column(sa.Text)  # base64(nonce + AES-GCM)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ServiceUse(db.Model):
    """A service a browser session signed in to: who to notify when the session ends, and
    the "services utilisés" of the portal (with their last use)."""

    __tablename__ = "oidc_service_use"
    __table_args__ = (sa.UniqueConstraint("auth_session_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    auth_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("auth_session.id", ondelete="SET NULL"), index=True
    )
    service_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    # The OpenID Connect session id ("sid") the service was given; shared by every service of
    # one browser session, and kept when the person signs in again in the same browser.
    sid: Mapped[str] = mapped_column(sa.String(64), index=True)
    first_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    logged_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service: Mapped[Service] = relationship()


class LogoutDelivery(db.Model):
    """A logout token owed to a service's back-channel logout URI, delivered by a job."""

    __tablename__ = "oidc_logout_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    sid: Mapped[str | None] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    service: Mapped[Service] = relationship()
    user = relationship("User")


class AssertionJti(db.Model):
    """The "jti" of a private_key_jwt client assertion already used (replay protection)."""

    __tablename__ = "oidc_assertion_jti"
    __table_args__ = (sa.UniqueConstraint("service_id", "jti"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id", ondelete="CASCADE"))
    jti: Mapped[str] = mapped_column(sa.String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
