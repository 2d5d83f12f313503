"""The company portal: what company users see at `/`."""

from flask import Flask

from isc import permissions
from isc.portal import account, auth, collaborators, demandes, home, joining, mandataire, pages, registration, services


def init_portal(app: Flask) -> None:
    # Templates show only what the rights matrix grants: has_right(current_user, "add_collaborator").
    app.add_template_global(permissions.has_right, "has_right")
    app.register_blueprint(home.blueprint)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(registration.blueprint)
    app.register_blueprint(mandataire.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(services.blueprint)
    app.register_blueprint(joining.blueprint)
    app.register_blueprint(account.blueprint)
    app.register_blueprint(collaborators.blueprint)
    app.register_blueprint(demandes.blueprint)
