"""The company portal: what company users see at `/`."""

from flask import Flask

from isc.portal import auth, home, mandataire, pages, registration, services


def init_portal(app: Flask) -> None:
    app.register_blueprint(home.blueprint)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(registration.blueprint)
    app.register_blueprint(mandataire.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(services.blueprint)
