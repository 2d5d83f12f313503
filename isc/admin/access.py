"""Who may use the console: an active ANS agent, signed in with both factors, in a role the
screen allows. Every console view inherits this; nothing in /admin is open by default.

Company users get 403; a visitor who is not signed in is sent to the console's sign-in; an agent
who has not enrolled a second factor is sent to the enrolment before anything else.
"""

from flask import abort, redirect, request, session, url_for
from flask_admin import BaseView
from flask_admin.contrib.sqla import ModelView
from flask_login import current_user

from isc.models import Agent, AgentRole, User

# The session key set once the second factor is verified (the session id is server side; the
# signed cookie cannot be forged).
MFA_KEY = "console_mfa"
READ_ROLES = (AgentRole.REVIEWER, AgentRole.ADMINISTRATOR, AgentRole.AUDITOR)
DECIDE_ROLES = (AgentRole.REVIEWER, AgentRole.ADMINISTRATOR)
ADMIN_ROLES = (AgentRole.ADMINISTRATOR,)


def console_agent() -> Agent | None:
    """The agent using the console, if fully signed in (password and second factor)."""
    principal = current_user._get_current_object() if current_user else None
    if (
        isinstance(principal, Agent)
        and principal.active
        and principal.totp_enrolled
        and session.get(MFA_KEY) is True
    ):
        return principal
    return None


def may(*roles: AgentRole) -> bool:
    agent = console_agent()
    return agent is not None and agent.role in roles


def require(*roles: AgentRole) -> Agent:
    """The signed-in agent when their role is one of `roles`; 403 otherwise."""
    agent = console_agent()
    if agent is None or agent.role not in roles:
        abort(403)
    return agent


def deny():
    """The answer to a request the console refuses: 403, or the sign-in step the agent misses."""
    principal = current_user._get_current_object() if current_user else None
    if isinstance(principal, User):
        abort(403)
    if isinstance(principal, Agent) and console_agent() is not None:
        abort(403)  # signed in, but their role does not allow this screen
    return redirect(url_for("console_auth.sign_in", next=request.full_path if request.method == "GET" else None))


class SecureView:
    """Access control shared by every console view (mix it in before Flask-Admin's class)."""

    read_roles: tuple[AgentRole, ...] = READ_ROLES

    def is_accessible(self) -> bool:
        return may(*self.read_roles)

    def is_visible(self) -> bool:
        return may(*self.read_roles)

    def inaccessible_callback(self, name, **kwargs):
        return deny()


class SecureBaseView(SecureView, BaseView):
    """A custom console screen."""


class SecureModelView(SecureView, ModelView):
    """A console list over one model: read-only unless a subclass says otherwise; its actions
    are for `write_roles` only."""

    write_roles: tuple[AgentRole, ...] = ADMIN_ROLES
    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = True
    can_set_page_size = False
    page_size = 50

    def is_action_allowed(self, name: str) -> bool:
        return may(*self.write_roles) and super().is_action_allowed(name)
