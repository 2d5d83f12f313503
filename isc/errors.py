"""Error pages: every failure a person can cause gets a French page and the right status."""

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from isc.extensions import db

log = logging.getLogger(__name__)

PAGES = {
    400: ("Requête incorrecte", "La demande envoyée n'a pas pu être comprise. Revenez en arrière et réessayez."),
    403: ("Accès refusé", "Vous n'avez pas les droits nécessaires pour accéder à cette page."),
    404: ("Page non trouvée", "La page que vous cherchez est introuvable. Vérifiez l'adresse saisie."),
    405: ("Action non permise", "Cette page ne peut pas être utilisée de cette façon."),
    410: ("Page expirée", "Ce contenu n'est plus disponible."),
    413: ("Fichier trop volumineux", "Le fichier ou le formulaire envoyé dépasse la taille autorisée."),
    429: (
        "Trop de tentatives",
        "Vous avez fait trop de tentatives en peu de temps. Patientez quelques minutes avant de réessayer.",
    ),
    500: (
        "Erreur inattendue",
        "Une erreur inattendue s'est produite. Réessayez dans quelques instants ; si elle persiste, "
        "contactez le support.",
    ),
}

CSRF_MESSAGE = (
    "Le formulaire a expiré ou n'a pas été envoyé depuis ce site. "
    "Rechargez la page, puis envoyez à nouveau le formulaire."
)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def render_error(code: int, message: str | None = None):
    title, default_message = PAGES.get(code, PAGES[400 if code < 500 else 500])
    wants_json = request.accept_mimetypes.best == "application/json" or request.path.startswith("/healthz")
    if wants_json:
        return {"error": title, "message": message or default_message}, code
    return render_template("errors/error.html", code=code, title=title, message=message or default_message), code


def _csrf_error(error: CSRFError):
    return render_error(400, CSRF_MESSAGE)


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    response = render_error(error.code)
    if error.code == 405 and getattr(error, "valid_methods", None):
        return response[0], 405, {"Allow": ", ".join(error.valid_methods)}
    return response


def _unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    log.exception("Unexpected error on %s %s", request.method, request.path, exc_info=error)
    db.session.rollback()
    return render_error(InternalServerError.code)
