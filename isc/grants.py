"""What ISC handed to services and takes back: authorization codes, token families, the
services each browser session signed in to, and the back-channel logouts owed to them.

Rules (RFC 9700, OpenID Connect Back-Channel Logout):
- a code is spent atomically on first use; presenting it again revokes everything issued
  from it;
- refresh tokens rotate: each use spends the token and issues a successor in the same family;
  presenting a spent one revokes the whole family; a family dies at its absolute expiry;
- ending a browser session (sign-out, "Fermer cette session") revokes the families issued in it
  and sends a logout token to each service the session used;
- a password change, an account disabled or deleted (`revoke_user_grants`) revokes every family
  of the person and logs them out of every service;
- tokens of a person who is no longer active, or of a closed service, are refused whatever
  their state (`find_access_token`).

Tokens and codes are stored as SHA-256 hashes only. Nothing here commits.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app

from isc import audit, jobs
from isc.extensions import db
from isc.jobs import job
from isc.models import (
    AssertionJti,
    AuthorizationCode,
    AuthSession,
    LogoutDelivery,
    Service,
    ServiceUse,
    Token,
    TokenFamily,
    User,
    UserStatus,
)
from isc.models.types import utcnow
from isc.services import forget_consent, may_use


def hash_token(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- Authorization codes ------------------------------------------------------------------------


def record_code(
    code: str,
    *,
    service: Service,
    user: User,
    auth_session: AuthSession,
    redirect_uri: str,
    scope: str,
    nonce: str | None,
    code_challenge: str | None,
    code_challenge_method: str | None,
    acr: str,
    amr: list[str],
) -> AuthorizationCode:
    """Keep the code ISC is about to hand to `service` (only its hash)."""
    now = utcnow()
    row = AuthorizationCode(
        code_hash=hash_token(code),
        service_id=service.id,
        user_id=user.id,
        auth_session_id=auth_session.id,
        redirect_uri=redirect_uri,
        scope=scope,
        nonce=nonce,
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
        auth_time=auth_session.created_at,
        acr=acr,
        amr=list(amr),
        created_at=now,
        expires_at=now + timedelta(seconds=current_app.config["OIDC_AUTHORIZATION_CODE_TTL"]),
    )
    db.session.add(row)
    db.session.flush()
    return row


def redeem_code(code: str, service: Service) -> AuthorizationCode | None:
    """Spend `code`, issued to `service`; None when it is unknown, expired or already spent.

    A code presented a second time revokes what its first redemption issued."""
    row = db.session.scalar(
        sa.select(AuthorizationCode).where(
            AuthorizationCode.code_hash == hash_token(code),
            AuthorizationCode.service_id == service.id,
        )
    )
    if row is None:
        return None
    now = utcnow()
    if row.used_at is None and row.expires_at <= now:
        return None
    # Of two concurrent redemptions, only one updates the row.
    spent = db.session.execute(
        sa.update(AuthorizationCode)
        .where(AuthorizationCode.id == row.id, AuthorizationCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        family = db.session.scalar(
            sa.select(TokenFamily).where(TokenFamily.authorization_code_id == row.id)
        )
        if family is not None:
            revoke_family(family, "code_reuse")
        audit.record("oidc.code_reused", actor_label=service.client_id, target=service,
                     user_id=row.user_id)
        return None
    return row


# --- Tokens -------------------------------------------------------------------------------------


def save_tokens(token: dict, *, code: AuthorizationCode | None = None,
                previous: Token | None = None) -> Token:
    """Keep the tokens of a token response: a new family for a code exchange, the family of
    `previous` for a refresh."""
    now = utcnow()
    config = current_app.config
    if code is not None:
        family = TokenFamily(
            service_id=code.service_id,
            user_id=code.user_id,
            auth_session_id=code.auth_session_id,
            authorization_code_id=code.id,
            scope=code.scope,
            auth_time=code.auth_time,
            acr=code.acr,
            amr=list(code.amr),
            created_at=now,
            expires_at=now + timedelta(seconds=config["OIDC_REFRESH_TOKEN_TTL"]),
        )
        db.session.add(family)
        db.session.flush()
    else:
        family = previous.family
    refresh = token.get("refresh_token")
    row = Token(
        family_id=family.id,
        access_token_hash=hash_token(token["access_token"]),
        refresh_token_hash=hash_token(refresh) if refresh else None,
        scope=token.get("scope", family.scope),
        issued_at=now,
        access_expires_at=now + timedelta(seconds=token["expires_in"]),
        refresh_expires_at=family.expires_at if refresh else None,
    )
    row.family = family
    db.session.add(row)
    db.session.flush()
    return row


def redeem_refresh_token(value: str, service: Service) -> Token | None:
    """Spend a refresh token of `service`; None when it cannot be used. A token presented
    after it was spent revokes its whole family (it was stolen, or replayed)."""
    token = db.session.scalar(
        sa.select(Token)
        .where(Token.refresh_token_hash == hash_token(value))
        .options(*_with_family())
    )
    if token is None or token.family.service_id != service.id:
        return None
    family = token.family
    now = utcnow()
    if token.refresh_used_at is not None:
        _refresh_reused(family, service)
        return None
    if family.revoked_at is not None or family.expires_at <= now:
        return None
    if not may_use(family.user, service):
        return None
    spent = db.session.execute(
        sa.update(Token)
        .where(Token.id == token.id, Token.refresh_used_at.is_(None))
        .values(refresh_used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        _refresh_reused(family, service)
        return None
    return token


def refresh_token_scope(value: str) -> str | None:
    """The scope a refresh token was issued with, if it exists (nothing is spent)."""
    return db.session.scalar(
        sa.select(Token.scope).where(Token.refresh_token_hash == hash_token(value))
    )


def _refresh_reused(family: TokenFamily, service: Service) -> None:
    revoke_family(family, "refresh_reuse")
    audit.record("oidc.refresh_token_reused", actor_label=service.client_id, target=service,
                 user_id=family.user_id)


def _with_family():
    """Load a token with its family, person, company and service in one query."""
    family = sa.orm.joinedload(Token.family)
    return (family.joinedload(TokenFamily.user).joinedload(User.company),
            family.joinedload(TokenFamily.service))


def find_access_token(value: str) -> Token | None:
    """The token whose access token is `value`, if it may still be used: unexpired, not
    revoked, its person active and its service open."""
    token = db.session.scalar(
        sa.select(Token)
        .where(Token.access_token_hash == hash_token(value or ""))
        .options(*_with_family())
    )
    if token is None or not access_token_usable(token):
        return None
    return token


def find_token(value: str, hint: str | None = None) -> tuple[str, Token] | None:
    """The token (access or refresh) whose value is `value`: ("access_token" |
    "refresh_token", token), or None."""
    digest = hash_token(value or "")
    kinds = ["access_token", "refresh_token"]
    if hint == "refresh_token":
        kinds.reverse()
    for kind in kinds:
        column = Token.access_token_hash if kind == "access_token" else Token.refresh_token_hash
        token = db.session.scalar(sa.select(Token).where(column == digest).options(*_with_family()))
        if token is not None:
            return kind, token
    return None


def access_token_usable(token: Token) -> bool:
    now = utcnow()
    return (
        token.access_revoked_at is None
        and token.access_expires_at > now
        and _family_usable(token.family, now)
    )


def refresh_token_usable(token: Token) -> bool:
    now = utcnow()
    return (
        token.refresh_token_hash is not None
        and token.refresh_used_at is None
        and token.refresh_expires_at is not None
        and token.refresh_expires_at > now
        and _family_usable(token.family, now)
    )


def _family_usable(family: TokenFamily, now) -> bool:
    return (
        family.revoked_at is None
        and family.user.status == UserStatus.ACTIVE
        and family.service.active
    )


def revoke_access_token(token: Token) -> None:
    if token.access_revoked_at is None:
        token.access_revoked_at = utcnow()


def revoke_family(family: TokenFamily, reason: str) -> None:
    """Revoke every token issued from one sign-in of one service."""
    if family.revoked_at is None:
        family.revoked_at = utcnow()
        family.revoke_reason = reason[:32]


def _revoke_families(reason: str, *conditions) -> int:
    return db.session.execute(
        sa.update(TokenFamily)
        .where(TokenFamily.revoked_at.is_(None), *conditions)
        .values(revoked_at=utcnow(), revoke_reason=reason[:32])
        .execution_options(synchronize_session=False)
    ).rowcount


# --- Browser sessions and the services they used -------------------------------------------------


def record_service_use(auth_session: AuthSession, service: Service, user: User) -> str:
    """Note that this browser session signed in to `service` (and audit it); returns the
    session's `sid`."""
    audit.record("oidc.signed_in_to_service", actor=user, target=service)
    now = utcnow()
    uses = list(db.session.scalars(
        sa.select(ServiceUse).where(ServiceUse.auth_session_id == auth_session.id)
    ))
    for use in uses:
        if use.service_id == service.id:
            use.last_used_at = now
            use.logged_out_at = None
            return use.sid
    sid = uses[0].sid if uses else secrets.token_urlsafe(24)
    db.session.add(ServiceUse(auth_session_id=auth_session.id, service_id=service.id,
                              user_id=user.id, sid=sid, first_used_at=now, last_used_at=now))
    db.session.flush()
    return sid


def session_id_of(auth_session: AuthSession | None) -> str | None:
    """The `sid` services were given for this browser session, if any service was used."""
    if auth_session is None:
        return None
    return db.session.scalar(
        sa.select(ServiceUse.sid).where(ServiceUse.auth_session_id == auth_session.id).limit(1)
    )


def session_ended(auth_session: AuthSession, reason: str) -> None:
    """A browser session ended (sign-out, RP-initiated logout, closed from "Vos sessions"):
    revoke what its services received and log them out by the back channel."""
    _revoke_families(reason, TokenFamily.auth_session_id == auth_session.id)
    _log_out(sa.select(ServiceUse).where(ServiceUse.auth_session_id == auth_session.id), reason)


def session_replaced(previous: AuthSession, new: AuthSession) -> None:
    """The browser signed in again (a service asked for a fresh sign-in) while `previous` was
    open. The same person keeps their services, which keep their `sid`; another person's
    session ends as a sign-out would."""
    if previous.ended_at is not None:
        return
    previous.ended_at = utcnow()
    previous.end_reason = "replaced"
    if previous.user_id is not None and previous.user_id == new.user_id:
        for model in (ServiceUse, TokenFamily, AuthorizationCode):
            db.session.execute(
                sa.update(model)
                .where(model.auth_session_id == previous.id)
                .values(auth_session_id=new.id)
                .execution_options(synchronize_session=False)
            )
    else:
        session_ended(previous, "replaced")


def end_other_session(user: User, auth_session_id: int, reason: str = "closed_by_user") -> bool:
    """End one of `user`'s open sessions (from "Vos sessions"); returns whether one was."""
    auth = db.session.get(AuthSession, auth_session_id)
    if auth is None or auth.user_id != user.id or auth.ended_at is not None:
        return False
    auth.ended_at = utcnow()
    auth.end_reason = reason
    session_ended(auth, reason)
    audit.record("session.closed", actor=user, target=user, session_id=auth.id)
    return True


def revoke_user_grants(user: User, reason: str, keep: AuthSession | None = None) -> None:
    """Revoke every token family of `user` and log them out of every service, but of those
    used in `keep` (their current session, after a password change).

    Call it when a password changes or is reset, and when an account is disabled or deleted."""
    _revoke_families(reason, TokenFamily.user_id == user.id)
    uses = sa.select(ServiceUse).where(ServiceUse.user_id == user.id)
    if keep is not None:
        uses = uses.where(
            sa.or_(ServiceUse.auth_session_id.is_(None), ServiceUse.auth_session_id != keep.id)
        )
    _log_out(uses, reason)
    audit.record("oidc.grants_revoked", target=user, reason=reason)


def withdraw_service(user: User, service: Service) -> None:
    """The person withdraws what they allowed `service` ("Retirer l'autorisation"): its
    consent, its tokens, and its sessions (logged out by the back channel)."""
    forget_consent(user, service)
    _revoke_families("withdrawn", TokenFamily.user_id == user.id,
                     TokenFamily.service_id == service.id)
    _log_out(
        sa.select(ServiceUse).where(ServiceUse.user_id == user.id,
                                    ServiceUse.service_id == service.id),
        "withdrawn",
    )


def _log_out(uses_query, reason: str) -> None:
    """Mark these service uses logged out and owe a logout token to each service that has a
    back-channel logout URI (one per service and sid)."""
    from isc.oidc.backchannel import deliver_logout  # the job: protocol wiring

    now = utcnow()
    owed = set()
    for use in db.session.scalars(uses_query.where(ServiceUse.logged_out_at.is_(None))):
        use.logged_out_at = now
        if use.service.backchannel_logout_uri:
            owed.add((use.service_id, use.user_id, use.sid))
    for service_id, user_id, sid in sorted(owed):
        delivery = LogoutDelivery(service_id=service_id, user_id=user_id, sid=sid,
                                  reason=reason[:32])
        db.session.add(delivery)
        db.session.flush()
        jobs.enqueue(deliver_logout, delivery.id,
                     retries=tuple(current_app.config["OIDC_BACKCHANNEL_LOGOUT_RETRY_DELAYS"]))


# --- Housekeeping -------------------------------------------------------------------------------

# What is kept after it stopped working: long enough to explain a late reuse in the audit trail.
_KEEP_AFTER_END = timedelta(days=1)
_KEEP_DELIVERIES = timedelta(days=30)


@job
def purge_expired() -> int:
    """Delete the codes, token families (with their tokens), client-assertion ids and logout
    deliveries that can no longer be used; returns how many rows went. Run daily."""
    cutoff = utcnow() - _KEEP_AFTER_END
    dead_families = sa.select(TokenFamily.id).where(
        sa.or_(TokenFamily.expires_at < cutoff, TokenFamily.revoked_at < cutoff)
    )
    statements = [
        sa.delete(Token).where(Token.family_id.in_(dead_families)),
        sa.delete(TokenFamily).where(TokenFamily.id.in_(dead_families)),
        sa.delete(AuthorizationCode).where(AuthorizationCode.expires_at < cutoff),
        sa.delete(AssertionJti).where(AssertionJti.expires_at < utcnow()),
        sa.delete(LogoutDelivery).where(LogoutDelivery.created_at < utcnow() - _KEEP_DELIVERIES),
    ]
    deleted = sum(db.session.execute(statement).rowcount for statement in statements)
    db.session.commit()
    return deleted
