"""« Vos collaborateurs »: the list with its search, a collaborator's page, and adding, editing
and deleting accounts for those whose rights allow it."""

from flask import Blueprint

blueprint = Blueprint("collaborators", __name__, url_prefix="/collaborateurs")


@blueprint.route("")
def index():
    raise NotImplementedError  # built next
