"""« Votre compte »: one's details, company and rights; the modification demande (« Edit »)
and, for a mandataire, the request to change the company's information."""

from flask import Blueprint

blueprint = Blueprint("account", __name__, url_prefix="/compte")


@blueprint.route("")
def index():
    raise NotImplementedError  # built next
