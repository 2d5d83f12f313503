"""The audit trail: security-relevant events with actor, action, target, IP and time.

Never put a password, token or secret in `details`.
"""

from flask import has_request_context
from flask_login import current_user

from isc.extensions import client_ip, db
from isc.models import Agent, AuditEvent, User


def record(
    action: str,
    *,
    actor: User | Agent | None = None,
    actor_label: str | None = None,
    target: db.Model | None = None,
    **details,
) -> AuditEvent:
    """Add an audit event; the actor defaults to the signed-in person, else "anonymous"."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    event = AuditEvent(
        action=action,
        actor_type=_kind(actor) if actor is not None else ("anonymous" if has_request_context() else "system"),
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label if actor_label is not None else _label(actor),
        target_type=target.__tablename__ if target is not None else None,
        target_id=target.id if target is not None else None,
        ip=client_ip() if has_request_context() else "",
        details=details,
    )
    db.session.add(event)
    return event


def _kind(actor: User | Agent) -> str:
    return "agent" if isinstance(actor, Agent) else "user"


def _label(actor: User | Agent | None) -> str:
    if actor is None:
        return ""
    return actor.email if isinstance(actor, Agent) else actor.username
