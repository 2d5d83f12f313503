"""ANS agents' sign-in to the console: password, then a mandatory second factor.

The second factor is a TOTP code (RFC 6238, 30-second steps, 6 digits) from an authenticator
app enrolled with a QR code, or one of the single-use recovery codes given at enrolment. A TOTP
code is accepted once only (the last step used is kept). The console (isc/admin/auth.py) keeps
an agent "half signed in" between the two factors; a session opens only after both.

The TOTP secret is stored encrypted (isc/secret_box.py, sealed for the agent's row), so that a
copy of the database cannot generate codes. If it can no longer be decrypted (SECRET_KEY
changed), the agent signs in with a recovery code and an administrator resets the factor.
"""

import hashlib
import logging
import secrets

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app

from isc import audit, secret_box
from isc.auth_sessions import revoke_sessions
from isc.extensions import db
from isc.models import Agent, AgentRecoveryCode, AgentTotpState
from isc.models.types import utcnow
from isc.passwords import hash_password, needs_rehash, verify_password
from isc.validation import InvalidField, normalize_email

SIGN_IN_FAILED = "Adresse e-mail ou mot de passe incorrect."
CODE_REFUSED = "Code incorrect ou déjà utilisé : saisissez le code affiché par votre application."
TOTP_UNREADABLE = (
    "Votre application d'authentification ne peut plus être vérifiée (la clé de chiffrement du "
    "serveur a changé) : connectez-vous avec un code de secours, ou demandez à un "
    "administrateur de réinitialiser votre double authentification."
)
# Recovery codes: 24 base32 characters (120 random bits), shown in groups of four.
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_RECOVERY_LENGTH = 24


log = logging.getLogger(__name__)


class AgentAuthError(Exception):
    """A console sign-in step was refused; the message is French and safe to show."""


class TotpSecretUnreadable(Exception):
    """The stored TOTP secret cannot be decrypted: the secret it was encrypted with changed."""


def find_agent(email: str) -> Agent | None:
    try:
        address = normalize_email(email or "")
    except InvalidField:
        return None
    return db.session.scalar(sa.select(Agent).where(Agent.email == address))


def check_password(email: str, password: str) -> Agent:
    """The first factor: the agent whose e-mail and password these are, or `AgentAuthError`."""
    agent = find_agent(email)
    if not verify_password(agent.password_hash if agent else None, password) or not agent.active:
        audit.record("agent.sign_in_failure", actor_label=(email or "")[:254], target=agent)
        raise AgentAuthError(SIGN_IN_FAILED)
    if needs_rehash(agent.password_hash):
        agent.password_hash = hash_password(password)
    audit.record("agent.password_accepted", actor=agent, target=agent)
    return agent


# --- TOTP enrolment ---------------------------------------------------------------------------


def new_totp_secret() -> str:
    """A fresh base32 secret (160 bits) to offer at enrolment; stored only once confirmed."""
    return pyotp.random_base32(32)


def store_totp_secret(agent: Agent, secret: str) -> None:
    """Keep `secret` as the agent's TOTP secret, encrypted for this agent only."""
    if agent.id is None:
        db.session.flush()
    agent.totp_secret_encrypted = secret_box.encrypt(secret, _totp_purpose(agent))


def totp_secret(agent: Agent) -> str | None:
    """The agent's TOTP secret in clear (None before enrolment); `TotpSecretUnreadable` when
    it cannot be decrypted."""
    if agent.totp_secret_encrypted is None:
        return None
    try:
        return secret_box.decrypt(agent.totp_secret_encrypted, _totp_purpose(agent))
    except secret_box.Undecryptable as error:
        raise TotpSecretUnreadable(f"TOTP secret of agent {agent.id} unreadable") from error


def _totp_purpose(agent: Agent) -> str:
    return f"agent-totp:{agent.id}"


def provisioning_uri(agent: Agent, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=agent.email, issuer_name=current_app.config["CONSOLE_TOTP_ISSUER"]
    )


def qr_code_data_uri(agent: Agent, secret: str) -> str:
    """The enrolment QR code as an SVG data: URI (the pages' CSP allows data: images only)."""
    return segno.make(provisioning_uri(agent, secret), error="m").svg_data_uri(scale=5, border=2)


def enrol(agent: Agent, secret: str, code: str) -> list[str]:
    """Confirm the enrolment with a first code from the app; returns the new recovery codes
    (shown once, stored hashed). `AgentAuthError` when the code does not match."""
    if agent.totp_enrolled:
        raise AgentAuthError("La double authentification est déjà activée pour ce compte.")
    step = _matching_step(secret, code)
    if step is None:
        audit.record("agent.totp_enrolment_failure", actor=agent, target=agent)
        raise AgentAuthError(CODE_REFUSED)
    store_totp_secret(agent, secret)
    state = db.session.get(AgentTotpState, agent.id)
    if state is None:
        db.session.add(AgentTotpState(agent_id=agent.id, last_step=step))
    else:
        state.last_step, state.enrolled_at = step, utcnow()
    codes = _new_recovery_codes(agent)
    audit.record("agent.totp_enrolled", actor=agent, target=agent)
    return codes


def reset_second_factor(agent: Agent, *, by: Agent) -> None:
    """An administrator removes an agent's TOTP and recovery codes (lost phone): the agent
    enrols again at their next sign-in; their open sessions end."""
    agent.totp_secret_encrypted = None
    db.session.execute(sa.delete(AgentRecoveryCode).where(AgentRecoveryCode.agent_id == agent.id))
    db.session.execute(sa.delete(AgentTotpState).where(AgentTotpState.agent_id == agent.id))
    revoke_sessions(agent, "second_factor_reset")
    audit.record("agent.totp_reset", actor=by, target=agent)


# --- Second factor at sign-in -----------------------------------------------------------------


def verify_second_factor(agent: Agent, code: str) -> str:
    """Check a TOTP or recovery code; returns "totp" or "recovery", or raises `AgentAuthError`.

    Each TOTP step is accepted once (a conditional UPDATE on the last step used), and each
    recovery code once (a conditional UPDATE on its `used_at`), even under concurrent requests.
    """
    value = "".join((code or "").split()).replace("-", "").upper()
    if not agent.totp_enrolled:
        raise AgentAuthError("La double authentification n'est pas activée pour ce compte.")
    if value.isdigit() and len(value) == 6:
        try:
            secret = totp_secret(agent)
        except TotpSecretUnreadable:
            log.error("The TOTP secret of agent %s cannot be decrypted: SECRET_KEY changed?", agent.id)
            audit.record("agent.totp_secret_unreadable", actor=agent, target=agent)
            raise AgentAuthError(TOTP_UNREADABLE) from None
        step = _matching_step(secret, value)
        if step is not None:
            if db.session.get(AgentTotpState, agent.id) is None:
                db.session.add(AgentTotpState(agent_id=agent.id, last_step=0))
                db.session.flush()
            used = db.session.execute(
                sa.update(AgentTotpState)
                .where(AgentTotpState.agent_id == agent.id, AgentTotpState.last_step < step)
                .values(last_step=step)
            ).rowcount
            if used == 1:
                audit.record("agent.second_factor_accepted", actor=agent, target=agent, method="totp")
                return "totp"
    elif len(value) == _RECOVERY_LENGTH:
        spent = db.session.execute(
            sa.update(AgentRecoveryCode)
            .where(
                AgentRecoveryCode.agent_id == agent.id,
                AgentRecoveryCode.code_hash == _hash(value),
                AgentRecoveryCode.used_at.is_(None),
            )
            .values(used_at=utcnow())
        ).rowcount
        if spent == 1:
            left = remaining_recovery_codes(agent)
            audit.record("agent.second_factor_accepted", actor=agent, target=agent,
                         method="recovery_code", remaining=left)
            return "recovery"
    audit.record("agent.second_factor_failure", actor=agent, target=agent)
    raise AgentAuthError(CODE_REFUSED)


def remaining_recovery_codes(agent: Agent) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AgentRecoveryCode).where(
            AgentRecoveryCode.agent_id == agent.id, AgentRecoveryCode.used_at.is_(None)
        )
    )


def regenerate_recovery_codes(agent: Agent) -> list[str]:
    """Replace the agent's recovery codes by new ones (the old ones stop working)."""
    codes = _new_recovery_codes(agent)
    audit.record("agent.recovery_codes_regenerated", actor=agent, target=agent)
    return codes


def _new_recovery_codes(agent: Agent) -> list[str]:
    db.session.execute(sa.delete(AgentRecoveryCode).where(AgentRecoveryCode.agent_id == agent.id))
    codes = []
    for _ in range(current_app.config["CONSOLE_RECOVERY_CODES"]):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        db.session.add(AgentRecoveryCode(agent_id=agent.id, code_hash=_hash(raw)))
        codes.append("-".join(raw[i:i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
    db.session.flush()
    return codes


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code is `code`, the current one or one step either side (clock
    drift), or None."""
    value = "".join((code or "").split())
    if not (value.isdigit() and len(value) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), value):
            return step
    return None
