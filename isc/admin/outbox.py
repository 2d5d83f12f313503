"""The e-mail outbox: messages and their delivery; failed ones can be resent. Bodies are not
shown: some carry a link to set a password."""

from flask import flash
from flask_admin.actions import action

from isc import audit, emails
from isc.admin.access import ADMIN_ROLES, SecureModelView, console_agent
from isc.admin.filters import dates
from isc.extensions import db
from isc.models import OutboxMessage, OutboxStatus


class OutboxView(SecureModelView):
    write_roles = ADMIN_ROLES
    column_list = ("created_at", "recipient", "template", "subject", "status", "attempts", "last_attempt_at",
                   "sent_at")
    column_details_list = column_list + ("last_error",)
    column_labels = {"created_at": "Créé le", "recipient": "Destinataire", "template": "Modèle", "subject": "Objet",
                     "status": "Statut", "attempts": "Tentatives", "last_attempt_at": "Dernière tentative",
                     "sent_at": "Envoyé le", "last_error": "Dernière erreur"}
    column_filters = ("status", "template", "recipient") + dates(OutboxMessage.created_at, "Créé le")
    column_searchable_list = ("recipient",)
    column_default_sort = ("id", True)

    @action("resend", "Renvoyer", "Renvoyer les messages sélectionnés ?")
    def action_resend(self, ids):
        agent = console_agent()
        messages = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id.in_([int(i) for i in ids]))).all()
        count = 0
        for message in messages:
            if message.status == OutboxStatus.SENT:
                continue
            emails.resend(message)
            audit.record("outbox.resent", actor=agent, target=message)
            count += 1
        db.session.commit()
        flash(f"{count} message(s) remis en envoi." if count else "Aucun message à renvoyer (déjà envoyés).",
              "success" if count else "warning")
