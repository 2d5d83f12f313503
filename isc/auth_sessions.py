"""Signed-in sessions, kept server side.

The signed cookie holds only a random session id; the `auth_session` row says who it belongs
to, when it started and when it was last used. A session ends on sign-out, after
SESSION_IDLE_TIMEOUT without a request, SESSION_ABSOLUTE_TIMEOUT after sign-in, or when it is
revoked (password change, account disabled). Ending it server side means a copied cookie is
worthless afterwards.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
from flask_login import login_user, logout_user

from isc import grants
from isc.extensions import client_ip, db, login_manager
from isc.models import Agent, AuthSession, User, UserStatus
from isc.models.types import utcnow

SESSION_ID_KEY = "sid"
# last_seen_at is written at most this often, to spare a write on every request.
TOUCH_INTERVAL = timedelta(seconds=60)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session does this job
    login_manager.user_loader(_load_principal)
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        seconds=app.config["SESSION_ABSOLUTE_TIMEOUT"]
    )
    app.after_request(_write_last_seen)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(principal: User | Agent) -> AuthSession:
    """Start a new session for `principal`, discarding whatever the browser had before."""
    previous = current_auth_session()
    session.clear()
    token = secrets.token_urlsafe(32)
    auth = AuthSession(
        token_hash=hash_token(token),
        user_id=principal.id if isinstance(principal, User) else None,
        agent_id=principal.id if isinstance(principal, Agent) else None,
        ip=client_ip(),
        user_agent=(request.user_agent.string or "")[:255],
    )
    db.session.add(auth)
    if previous is not None:
        db.session.flush()
        grants.session_replaced(previous, auth)
    session.permanent = True
    session[SESSION_ID_KEY] = token
    login_user(principal)
    return auth


def close_session(reason: str = "sign_out") -> None:
    """End the browser's current session server side and forget it in the cookie."""
    auth = current_auth_session()
    if auth is not None and auth.ended_at is None:
        auth.ended_at = utcnow()
        auth.end_reason = reason
        grants.session_ended(auth, reason)
    logout_user()
    session.clear()


def current_auth_session() -> AuthSession | None:
    token = session.get(SESSION_ID_KEY)
    if not token:
        return None
    return db.session.scalar(
        sa.select(AuthSession).where(AuthSession.token_hash == hash_token(token))
    )


def revoke_sessions(principal: User | Agent, reason: str, keep: AuthSession | None = None) -> int:
    """End every open session of `principal` (but `keep`); returns how many were ended."""
    column = AuthSession.user_id if isinstance(principal, User) else AuthSession.agent_id
    statement = (
        sa.update(AuthSession)
        .where(column == principal.id, AuthSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    if keep is not None:
        statement = statement.where(AuthSession.id != keep.id)
    return db.session.execute(statement).rowcount


def _load_principal(user_id: str) -> User | Agent | None:
    auth = current_auth_session()
    if auth is None or auth.ended_at is not None:
        return None
    principal = auth.user or auth.agent
    if principal is None or principal.get_id() != user_id:
        return None
    now = utcnow()
    config = current_app.config
    reason = None
    if now - auth.last_seen_at > timedelta(seconds=config["SESSION_IDLE_TIMEOUT"]):
        reason = "idle"
    elif now - auth.created_at > timedelta(seconds=config["SESSION_ABSOLUTE_TIMEOUT"]):
        reason = "expired"
    elif not _may_stay_signed_in(principal):
        reason = "disabled"
    if reason:
        _end_now(auth.id, reason, now)
        session.clear()
        return None
    if now - auth.last_seen_at > TOUCH_INTERVAL:
        g.isc_touch_session = auth.id
    return principal


def _may_stay_signed_in(principal: User | Agent) -> bool:
    if isinstance(principal, Agent):
        return principal.active
    return principal.status == UserStatus.ACTIVE


def _end_now(auth_id: int, reason: str, now: datetime) -> None:
    # A connection of its own: this must stick even if the request's transaction rolls back.
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(AuthSession)
            .where(AuthSession.id == auth_id, AuthSession.ended_at.is_(None))
            .values(ended_at=now, end_reason=reason)
        )


def _write_last_seen(response):
    auth_id = g.pop("isc_touch_session", None)
    if auth_id is not None:
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(AuthSession).where(AuthSession.id == auth_id).values(last_seen_at=utcnow())
            )
    return response
