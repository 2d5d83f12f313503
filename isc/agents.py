"""ANS agents' accounts."""

import sqlalchemy as sa

from isc import audit
from isc.accounts import AccountError
from isc.extensions import db
from isc.models import Agent, AgentRole
from isc.passwords import hash_password, policy_problems
from isc.validation import normalize_email


def create_agent(*, email: str, full_name: str, role: AgentRole, password: str) -> Agent:
    """Create an active agent; `InvalidField` or `AccountError` on bad or taken values."""
    email = normalize_email(email)
    if not full_name.strip():
        raise AccountError("Le nom de l'agent est obligatoire.")
    if db.session.scalar(sa.select(Agent.id).where(Agent.email == email)) is not None:
        raise AccountError("Un agent utilise déjà cette adresse e-mail.")
    agent = Agent(email=email, full_name=full_name.strip(), role=role, password_hash="")
    set_agent_password(agent, password)
    db.session.add(agent)
    db.session.flush()
    audit.record("agent.created", target=agent, role=role.value)
    return agent


def set_agent_password(agent: Agent, password: str) -> None:
    problems = policy_problems(password, personal=(agent.email, agent.email.split("@")[0]))
    if problems:
        raise AccountError(problems[0])
    agent.password_hash = hash_password(password)
