"""The ANS review console (Flask-Admin at /admin): one view class per screen, all behind the
access control of isc/admin/access.py; the agents' sign-in lives in isc/admin/auth.py."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import Babel

from isc.admin import auth
from isc.admin.agents import AgentView
from isc.admin.audit_log import AuditLogView
from isc.admin.companies import CompanyView
from isc.admin.company_changes import CompanyChangeView
from isc.admin.dossiers import DossierView
from isc.admin.home import HomeView
from isc.admin.jobs import JobsView
from isc.admin.mandataire_modifications import MandataireModificationView
from isc.admin.outbox import OutboxView
from isc.admin.services import ServiceView
from isc.admin.users import UserView
from isc.extensions import db
from isc.models import Agent, AuditEvent, Company, OutboxMessage, Service, User

BACK_OFFICE = "Back-office"
PARIS = ZoneInfo("Europe/Paris")


def paris_time(value: datetime, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """A UTC datetime as agents read it: Paris time."""
    return value.astimezone(PARIS).strftime(fmt) if value else ""


def init_admin(app: Flask) -> Admin:
    """Build the console for `app` (a new Admin per application, so every test app starts clean)."""
    # Flask-Admin's own words (List, Search, filters...) in French, from its shipped catalogue.
    Babel(app, locale_selector=lambda: "fr", default_timezone="Europe/Paris")
    admin = Admin(
        app,
        name="Console ANS",
        url="/admin",
        index_view=HomeView(name="Accueil", url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/isc/layout.html", fluid=True),
    )
    database = db  # Flask-Admin 2 takes the Flask-SQLAlchemy object (a bare session is deprecated)
    views = [
        DossierView(name="Dossiers mandataires", endpoint="console_dossiers", url="/admin/dossiers"),
        CompanyChangeView(name="Demandes de modification", endpoint="console_modifications",
                          url="/admin/modifications"),
        MandataireModificationView(name="Modifications de mandataires", endpoint="console_mandataires",
                                   url="/admin/modifications-mandataires"),
        CompanyView(Company, database, name="Entreprises", endpoint="console_entreprises",
                    url="/admin/entreprises", category=BACK_OFFICE),
        UserView(User, database, name="Utilisateurs", endpoint="console_utilisateurs",
                 url="/admin/utilisateurs", category=BACK_OFFICE),
        ServiceView(Service, database, name="Services", endpoint="console_services",
                    url="/admin/services", category=BACK_OFFICE),
        AgentView(Agent, database, name="Agents", endpoint="console_agents", url="/admin/agents",
                  category=BACK_OFFICE),
        AuditLogView(AuditEvent, database, name="Journal d'audit", endpoint="console_journal",
                     url="/admin/journal", category=BACK_OFFICE),
        OutboxView(OutboxMessage, database, name="E-mails", endpoint="console_emails", url="/admin/emails",
                   category=BACK_OFFICE),
        JobsView(name="Tâches de fond", endpoint="console_taches", url="/admin/taches", category=BACK_OFFICE),
    ]
    for view in views:
        admin.add_view(view)
    app.register_blueprint(auth.blueprint)
    app.add_template_filter(paris_time, "paris_time")
    return admin
