"""Demo data: a company with one account of each role, and an ANS agent."""

import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from isc import accounts, agents
from isc.companies import get_or_create_company
from isc.extensions import db
from isc.models import Agent, AgentRole, Civility, IdentifierType, Role, User

DEMO_SIREN = "842915308"
DEMO_PEOPLE = [
    (Role.MANDATAIRE, "demo.mandataire", Civility.MONSIEUR, "Pierre-François", "Durand", "0123456789"),
    (Role.REPRESENTANT, "demo.representant", Civility.MADAME, "Aline", "Durand", "0123456790"),
    (Role.SALARIE, "demo.salarie", Civility.MADAME, "Linda", "Moreau", "0123456791"),
]
DEMO_AGENT_EMAIL = "agent.demo@ans.example.fr"


@dataclass
class Credential:
    kind: str
    login: str
    password: str


def seed_demo(password: str | None = None) -> list[Credential]:
    """Create (or refresh) the demo accounts and give each a new password, returned to print."""
    company, _ = get_or_create_company(
        IdentifierType.SIREN, DEMO_SIREN, name="LOGIPRO",
        address="20 avenue Charles de Gaulle, 75008 Paris",
    )
    credentials = []
    for role, username, civility, first, last, phone in DEMO_PEOPLE:
        secret = password or _demo_password()
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            accounts.create_user(
                company=company, role=role, username=username, email=f"{username}@logipro.example.fr",
                first_name=first, last_name=last, civility=civility, phone=phone, password=secret,
            )
        else:
            accounts.reset_password_by_support(user, secret)
        credentials.append(Credential(role.label, username, secret))
    secret = password or _demo_password()
    agent = db.session.scalar(sa.select(Agent).where(Agent.email == DEMO_AGENT_EMAIL))
    if agent is None:
        agents.create_agent(email=DEMO_AGENT_EMAIL, full_name="Agent de démonstration",
                            role=AgentRole.ADMINISTRATOR, password=secret)
    else:
        agents.set_agent_password(agent, secret)
    credentials.append(Credential("Agent ANS (console /admin)", DEMO_AGENT_EMAIL, secret))
    return credentials


def _demo_password() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(4))
