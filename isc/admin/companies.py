"""Companies (read-only: their details change through change requests)."""

from isc.admin.access import SecureModelView
from isc.admin.filters import dates
from isc.models import Company


class CompanyView(SecureModelView):
    column_list = ("identifier_type", "identifier_value", "name", "head_office_address", "status", "created_at")
    column_labels = {
        "identifier_type": "Type d'identifiant", "identifier_value": "Identifiant", "name": "Raison sociale",
        "head_office_address": "Adresse du siège", "status": "Statut", "created_at": "Créée le",
    }
    column_searchable_list = ("name", "identifier_value")
    column_filters = ("status", "identifier_type") + dates(Company.created_at, "Créée le")
    column_default_sort = ("id", True)
    column_details_list = column_list
