"""ANS agents (administrators only): create, deactivate, reactivate, reset the second factor."""

from flask import flash
from flask_admin.actions import action
from flask_admin.form import BaseForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from isc import agent_auth, agents, audit
from isc.accounts import AccountError
from isc.admin.access import ADMIN_ROLES, SecureModelView, console_agent
from isc.auth_sessions import revoke_sessions
from isc.extensions import db
from isc.models import Agent, AgentRole
from isc.validation import InvalidField

ROLE_LABELS = {"reviewer": "Instructeur (décide)", "administrator": "Administrateur", "auditor": "Auditeur (lecture seule)"}


class AgentForm(BaseForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(), Length(max=254)])
    full_name = StringField("Nom complet", validators=[DataRequired(), Length(max=200)])
    role = SelectField("Rôle", choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()])
    password = PasswordField("Mot de passe initial (12 caractères au moins)", validators=[DataRequired(), Length(max=128)])


class AgentView(SecureModelView):
    read_roles = ADMIN_ROLES
    write_roles = ADMIN_ROLES
    can_create = True
    form = AgentForm
    column_list = ("email", "full_name", "role", "active", "totp_secret_encrypted", "created_at",
                   "last_login_at")
    column_details_list = ("email", "full_name", "role", "active", "created_at", "last_login_at")
    column_labels = {"email": "Adresse e-mail", "full_name": "Nom", "role": "Rôle", "active": "Actif",
                     "totp_secret_encrypted": "Double authentification", "created_at": "Créé le",
                     "last_login_at": "Dernière connexion"}
    # Never the secret itself: whether one is enrolled.
    column_formatters = {
        "totp_secret_encrypted": lambda view, context, model, name: (
            "activée" if model.totp_enrolled else "à enrôler"),
        "role": lambda view, context, model, name: ROLE_LABELS.get(model.role.value, model.role.value),
    }
    column_searchable_list = ("email", "full_name")
    column_filters = ("role", "active")

    def create_model(self, form):
        try:
            agent = agents.create_agent(email=form.email.data, full_name=form.full_name.data,
                                        role=AgentRole(form.role.data), password=form.password.data)
        except (AccountError, InvalidField) as error:
            db.session.rollback()
            flash(str(error), "error")
            return False
        audit.record("agent.created_by", actor=console_agent(), target=agent)
        db.session.commit()
        return agent

    def _agents(self, ids):
        return db.session.scalars(db.select(Agent).where(Agent.id.in_([int(i) for i in ids]))).all()

    @action("deactivate", "Désactiver", "Désactiver les agents sélectionnés ? Leurs sessions prendront fin.")
    def action_deactivate(self, ids):
        me = console_agent()
        for agent in self._agents(ids):
            if agent.id == me.id:
                flash("Vous ne pouvez pas désactiver votre propre compte.", "warning")
                continue
            agent.active = False
            revoke_sessions(agent, "disabled")
            audit.record("agent.deactivated", actor=me, target=agent)
        db.session.commit()

    @action("activate", "Réactiver", "Réactiver les agents sélectionnés ?")
    def action_activate(self, ids):
        me = console_agent()
        for agent in self._agents(ids):
            agent.active = True
            audit.record("agent.activated", actor=me, target=agent)
        db.session.commit()

    @action("reset_totp", "Réinitialiser la double authentification",
            "L'agent devra enrôler une nouvelle application à sa prochaine connexion. Continuer ?")
    def action_reset_totp(self, ids):
        me = console_agent()
        for agent in self._agents(ids):
            agent_auth.reset_second_factor(agent, by=me)
        db.session.commit()
        flash("Double authentification réinitialisée.", "success")
