"""The data model, one module per aggregate."""

from isc.models.agent import Agent, AgentRole
from isc.models.audit import AuditEvent
from isc.models.auth_session import AuthSession
from isc.models.company import Company, CompanyStatus, IdentifierType
from isc.models.outbox import OutboxMessage, OutboxStatus
from isc.models.user import Civility, LinkPurpose, PasswordLink, Role, User, UserStatus

__all__ = [
    "Agent",
    "AgentRole",
    "AuditEvent",
    "AuthSession",
    "Civility",
    "Company",
    "CompanyStatus",
    "IdentifierType",
    "LinkPurpose",
    "OutboxMessage",
    "OutboxStatus",
    "PasswordLink",
    "Role",
    "User",
    "UserStatus",
]
