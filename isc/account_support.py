"""What ANS agents do to company accounts from the console: disable, enable, resend the link
to set a password. Passwords and tokens are never shown to anyone."""

from isc import accounts, audit, grants
from isc.auth_sessions import revoke_sessions
from isc.models import Agent, User, UserStatus


class SupportError(Exception):
    """The action does not apply to this account; the message is French and safe to show."""


def disable_user(user: User, agent: Agent) -> None:
    """The account can no longer sign in; its sessions and the services' tokens end now."""
    if user.status != UserStatus.ACTIVE:
        raise SupportError(f"Le compte {user.username} n'est pas actif.")
    user.status = UserStatus.DISABLED
    revoke_sessions(user, "disabled")
    grants.revoke_user_grants(user, "account_disabled")
    audit.record("user.disabled", actor=agent, target=user)


def enable_user(user: User, agent: Agent) -> None:
    if user.status != UserStatus.DISABLED:
        raise SupportError(f"Le compte {user.username} n'est pas désactivé.")
    user.status = UserStatus.ACTIVE
    audit.record("user.enabled", actor=agent, target=user)


def resend_setup_link(user: User, agent: Agent) -> None:
    """E-mail a new link to set the password (earlier links stop working)."""
    if user.status != UserStatus.ACTIVE:
        raise SupportError(f"Le compte {user.username} n'est pas actif : aucun lien n'est envoyé.")
    accounts.send_setup_link(user)
    audit.record("user.setup_link_resent", actor=agent, target=user)
