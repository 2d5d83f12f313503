"""The audit log: read-only, filterable by actor, action, target and date; newest first.

No total count (simple pager): counting a million rows on each page would cost more than the
page itself."""

import json

from isc.admin.access import SecureModelView
from isc.admin.filters import dates
from isc.models import AuditEvent


class AuditLogView(SecureModelView):
    simple_list_pager = True
    column_list = ("occurred_at", "actor_type", "actor_label", "action", "target_type", "target_id", "ip")
    column_details_list = column_list + ("actor_id", "details")
    column_labels = {"occurred_at": "Date", "actor_type": "Type d'acteur", "actor_label": "Acteur",
                     "actor_id": "N° de l'acteur", "action": "Action", "target_type": "Cible",
                     "target_id": "N° de la cible", "ip": "Adresse IP", "details": "Détails"}
    column_filters = ("actor_type", "actor_label", "actor_id", "action", "target_type", "target_id") + dates(
        AuditEvent.occurred_at, "Date")
    column_searchable_list = ("action", "actor_label")
    column_default_sort = ("id", True)
    column_sortable_list = ()
    column_formatters_detail = {
        "details": lambda view, context, model, name: json.dumps(model.details or {}, ensure_ascii=False, indent=1),
    }
