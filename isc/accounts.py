"""Company users' accounts: creation, sign-in, passwords and e-mailed password links."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from isc import audit, emails, grants
from isc.auth_sessions import current_auth_session, open_session, revoke_sessions
from isc.extensions import db
from isc.models import (
    Civility,
    Company,
    Demande,
    LinkPurpose,
    PasswordLink,
    Role,
    User,
    UserStatus,
)
from isc.models.types import utcnow
from isc.passwords import hash_password, needs_rehash, policy_problems, verify_password
from isc.validation import InvalidField, normalize_email, normalize_phone, normalize_username


class AccountError(Exception):
    """An account operation was refused; the message is French and safe to show.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


SIGN_IN_FAILED = "Identifiant ou mot de passe incorrect."
LINK_UNUSABLE = (
    "Ce lien n'est plus valable : il a expiré ou a déjà été utilisé. "
    "Demandez un nouveau lien ci-dessous."
)


def find_by_login(login: str) -> User | None:
    """The user whose username or e-mail is `login` (case-insensitive)."""
    value = (login or "").strip().lower()
    if not value or not value.isprintable():  # no account has control characters (nor NUL)
        return None
    column = User.email if "@" in value else User.username
    return db.session.scalar(sa.select(User).where(column == value))


def sign_in(login: str, password: str) -> User:
    """Check the credentials and open a new session; `AccountError` when they are refused."""
    user = find_by_login(login)
    if not verify_password(user.password_hash if user else None, password):
        audit.record("sign_in.failure", actor_label=(login or "")[:254], target=user)
        raise AccountError(SIGN_IN_FAILED)
    if user.status != UserStatus.ACTIVE:
        audit.record("sign_in.refused", actor=user, target=user, status=user.status.value)
        raise AccountError(
            "Votre compte n'est pas actif. Contactez le mandataire de votre entreprise "
            f"ou le support ({current_app.config['SUPPORT_EMAIL']})."
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    open_session(user)
    audit.record("sign_in.success", actor=user, target=user)
    return user


def check_new_password(user: User, password: str, confirmation: str) -> None:
    """Raise `AccountError` when the new password is refused by the policy."""
    if password != confirmation:
        raise AccountError("Les deux mots de passe saisis ne sont pas identiques.")
    problems = policy_problems(
        password,
        personal=(user.username, user.email, user.email.split("@")[0], user.first_name, user.last_name),
    )
    if problems:
        raise AccountError(problems[0])


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


def change_password(user: User, current: str, new: str, confirmation: str) -> None:
    """Change a signed-in user's password; their other sessions end and they are notified."""
    if not verify_password(user.password_hash, current):
        audit.record("password.change_refused", target=user)
        raise AccountError("Le mot de passe actuel est incorrect.", field="current")
    check_new_password(user, new, confirmation)
    _set_password(user, new)
    revoke_sessions(user, "password_changed", keep=current_auth_session())
    grants.revoke_user_grants(user, "password_changed", keep=current_auth_session())
    audit.record("password.changed", target=user)
    emails.send("password_changed", user.email, user=user)


# --- E-mailed links -----------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_link(user: User, purpose: LinkPurpose) -> str:
    """A new single-use link token for `user`; earlier unused links of that kind stop working."""
    now = utcnow()
    db.session.execute(
        sa.update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    ttl = current_app.config[
        "PASSWORD_SETUP_LINK_TTL" if purpose == LinkPurpose.SETUP else "PASSWORD_RESET_LINK_TTL"
    ]
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=_token_hash(token),
            expires_at=now + timedelta(seconds=ttl),
        )
    )
    return token


def password_link_url(token: str) -> str:
    return f"{current_app.config['BASE_URL']}/mot-de-passe/definir/{token}"


def setup_link_hours() -> int:
    """How long a first-password link stays valid, in hours, as e-mails say it."""
    return current_app.config["PASSWORD_SETUP_LINK_TTL"] // 3600


def send_setup_link(user: User) -> None:
    """E-mail the link to set the first password ("initialiser votre mot de passe")."""
    token = issue_password_link(user, LinkPurpose.SETUP)
    emails.send("password_setup", user.email, user=user, url=password_link_url(token), ttl_hours=setup_link_hours())
    audit.record("password.setup_link_sent", target=user)


def request_password_reset(login: str) -> None:
    """E-mail a reset link when `login` names an active account; silent otherwise."""
    user = find_by_login(login)
    if user is None or user.status != UserStatus.ACTIVE:
        audit.record("password.reset_requested_unknown", actor_label=(login or "")[:254])
        return
    audit.record("password.reset_requested", actor_label=(login or "")[:254], target=user)
    if user.password_hash is None:
        # Never set a password: the first-password e-mail again, with its own validity.
        send_setup_link(user)
        return
    token = issue_password_link(user, LinkPurpose.RESET)
    ttl_minutes = current_app.config["PASSWORD_RESET_LINK_TTL"] // 60
    emails.send("password_reset", user.email, user=user, url=password_link_url(token), ttl_minutes=ttl_minutes)


def usable_link(token: str) -> PasswordLink | None:
    """The link this token opens, if it is unused, unexpired and its account active."""
    if not token or len(token) > 128:
        return None
    link = db.session.scalar(sa.select(PasswordLink).where(PasswordLink.token_hash == _token_hash(token)))
    if link is None or not link.is_usable(utcnow()) or link.user.status != UserStatus.ACTIVE:
        return None
    return link


def set_password_with_link(token: str, new: str, confirmation: str) -> User:
    """Set a password from an e-mailed link; the link is spent and every session ends."""
    link = usable_link(token)
    if link is None:
        raise AccountError(LINK_UNUSABLE)
    user = link.user
    check_new_password(user, new, confirmation)
    # Spend the link atomically: of two concurrent uses, only one updates the row.
    spent = db.session.execute(
        sa.update(PasswordLink)
        .where(PasswordLink.id == link.id, PasswordLink.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if spent != 1:
        raise AccountError(LINK_UNUSABLE)
    first = user.password_hash is None
    _set_password(user, new)
    user.email_verified_at = utcnow()  # the link reached this address
    revoke_sessions(user, "password_reset")
    grants.revoke_user_grants(user, "password_reset")
    audit.record("password.set" if first else "password.reset", actor=user, target=user)
    emails.send("password_changed", user.email, user=user)
    return user


def reset_password_by_support(user: User, password: str) -> None:
    """Set a user's password directly (support staff, demo data); their sessions end."""
    check_new_password(user, password, password)
    _set_password(user, password)
    revoke_sessions(user, "password_reset")
    grants.revoke_user_grants(user, "password_reset")
    audit.record("password.reset_by_support", target=user)


# --- Creation (support staff, demo data; the registration journeys come later) ------------------


def create_user(
    *,
    company: Company,
    role: Role,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    civility: Civility = Civility.MADAME,
    phone: str = "",
    direct_phone: str = "",
    password: str | None = None,
) -> User:
    """Create an active user; raises `InvalidField` or `AccountError` on bad or taken values."""
    username = normalize_username(username)
    email = normalize_email(email)
    phone = normalize_phone(phone) if phone else ""
    direct_phone = normalize_phone(direct_phone) if direct_phone else ""
    if not first_name.strip() or not last_name.strip():
        raise InvalidField("Le prénom et le nom sont obligatoires.")
    taken = db.session.scalar(
        sa.select(User.id).where(sa.or_(User.username == username, User.email == email))
    )
    if taken is not None:
        raise AccountError("Ce nom d'utilisateur ou cette adresse e-mail est déjà utilisé.")
    user = User(
        company=company,
        role=role,
        status=UserStatus.ACTIVE,
        username=username,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        civility=civility,
        phone=phone,
        direct_phone=direct_phone,
    )
    db.session.add(user)
    db.session.flush()
    if password is not None:
        check_new_password(user, password, password)
        _set_password(user, password)
    audit.record("user.created", target=user, role=role.value)
    return user


# --- Deletion ------------------------------------------------------------------------------------


def delete_account(user: User, reason: str) -> None:
    """End the account for good: sessions and services' tokens revoked, links spent, personal
    data erased. The row stays (role, company, dates) so the audit trail keeps its target."""
    revoke_sessions(user, reason)
    grants.revoke_user_grants(user, reason)
    erase_personal_data(user)


def erase_personal_data(user: User) -> None:
    """Replace what identifies the person with neutral values; the account can never be used
    again (no password, unusable links, status deleted)."""
    db.session.execute(
        sa.update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    # Their demandes keep what happened (kind, status, dates, decision) but not their details.
    db.session.execute(
        sa.update(Demande)
        .where(Demande.user_id == user.id)
        .values(requested={}, previous={}, comment="")
        .execution_options(synchronize_session="fetch")
    )
    user.status = UserStatus.DELETED
    user.username = f"supprime-{user.public_id}"
    user.email = f"supprime-{user.public_id}@invalid.invalid"
    user.first_name, user.last_name = "", "Compte supprimé"
    user.phone = user.direct_phone = ""
    user.password_hash = None
    db.session.flush()
