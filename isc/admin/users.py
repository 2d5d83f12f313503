"""Company users: search, disable or enable, resend the link to set a password. Neither
password hashes nor tokens are ever shown."""

from flask import flash
from flask_admin.actions import action

from isc import account_support
from isc.admin.access import ADMIN_ROLES, SecureModelView, console_agent
from isc.admin.filters import dates
from isc.extensions import db
from isc.models import User


class UserView(SecureModelView):
    write_roles = ADMIN_ROLES
    column_list = ("username", "first_name", "last_name", "email", "role", "status", "company.name",
                   "created_at", "last_login_at")
    column_details_list = ("username", "civility", "first_name", "last_name", "email", "phone", "direct_phone",
                           "role", "status", "company.name", "company.identifier_value", "created_at",
                           "last_login_at", "password_changed_at")
    column_labels = {
        "username": "Nom d'utilisateur", "first_name": "Prénom", "last_name": "Nom", "email": "Adresse e-mail",
        "role": "Rôle", "status": "Statut", "company.name": "Entreprise", "company.identifier_value": "Identifiant",
        "created_at": "Créé le", "last_login_at": "Dernière connexion", "civility": "Civilité",
        "phone": "Téléphone", "direct_phone": "Téléphone direct", "password_changed_at": "Mot de passe changé le",
    }
    column_searchable_list = ("username", "email", "last_name")
    column_filters = ("role", "status", "company.name") + dates(User.created_at, "Créé le")
    column_default_sort = ("id", True)

    def _apply(self, ids, operation, done: str):
        agent = console_agent()
        users = db.session.scalars(db.select(User).where(User.id.in_([int(i) for i in ids]))).all()
        changed = 0
        for user in users:
            try:
                operation(user, agent)
                changed += 1
            except account_support.SupportError as error:
                flash(str(error), "warning")
        db.session.commit()
        if changed:
            flash(done.format(count=changed), "success")

    @action("disable", "Désactiver", "Désactiver les comptes sélectionnés ? Leurs sessions prendront fin.")
    def action_disable(self, ids):
        self._apply(ids, account_support.disable_user, "{count} compte(s) désactivé(s).")

    @action("enable", "Réactiver", "Réactiver les comptes sélectionnés ?")
    def action_enable(self, ids):
        self._apply(ids, account_support.enable_user, "{count} compte(s) réactivé(s).")

    @action("resend_setup_link", "Renvoyer le lien d'initialisation du mot de passe",
            "Envoyer un nouveau lien pour initialiser le mot de passe ?")
    def action_resend(self, ids):
        self._apply(ids, account_support.resend_setup_link, "Lien envoyé à {count} compte(s).")
