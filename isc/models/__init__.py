"""The data model, one module per aggregate."""

from isc.models.agent import Agent, AgentRole
from isc.models.agent_mfa import AgentRecoveryCode, AgentTotpState
from isc.models.audit import AuditEvent
from isc.models.auth_session import AuthSession
from isc.models.company import Company, CompanyStatus, IdentifierType
from isc.models.company_change import ChangeStatus, CompanyChangeRequest
from isc.models.demande import Demande, DemandeKind, DemandeStatus
from isc.models.oidc import (
    AssertionJti,
    AuthorizationCode,
    ClientAuthMethod,
    Consent,
    LogoutDelivery,
    Service,
    ServiceUse,
    SigningKey,
    Token,
    TokenFamily,
)
from isc.models.outbox import OutboxMessage, OutboxStatus
from isc.models.registration import (
    IdentityCheck,
    KbisDocument,
    KbisStatus,
    PartnerEvent,
    Registration,
    RegistrationStatus,
    RegistrationStep,
)
from isc.models.review import ReviewClaim, ReviewDecision, ReviewOutcome
from isc.models.user import Civility, LinkPurpose, PasswordLink, Role, User, UserStatus

__all__ = [
    "Agent",
    "AgentRecoveryCode",
    "AgentRole",
    "AgentTotpState",
    "AssertionJti",
    "AuthorizationCode",
    "AuditEvent",
    "AuthSession",
    "ChangeStatus",
    "Civility",
    "ClientAuthMethod",
    "Company",
    "CompanyChangeRequest",
    "CompanyStatus",
    "Consent",
    "Demande",
    "DemandeKind",
    "DemandeStatus",
    "IdentifierType",
    "IdentityCheck",
    "KbisDocument",
    "KbisStatus",
    "LinkPurpose",
    "LogoutDelivery",
    "OutboxMessage",
    "OutboxStatus",
    "PartnerEvent",
    "PasswordLink",
    "Registration",
    "RegistrationStatus",
    "RegistrationStep",
    "ReviewClaim",
    "ReviewDecision",
    "ReviewOutcome",
    "Role",
    "Service",
    "ServiceUse",
    "SigningKey",
    "Token",
    "TokenFamily",
    "User",
    "UserStatus",
]
