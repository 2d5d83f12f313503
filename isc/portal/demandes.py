"""« Vos demandes à traiter »: the registration and modification demandes a mandataire or a
représentant decides, and a demande's detail with « Valider » / « Refuser »."""

from flask import Blueprint

blueprint = Blueprint("demandes", __name__, url_prefix="/demandes")


@blueprint.route("")
def index():
    raise NotImplementedError  # built next


@blueprint.route("/<int:demande_id>")
def detail(demande_id: int):
    raise NotImplementedError  # built next
