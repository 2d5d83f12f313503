"""The stand-in's hosted verification page: where `verification_url` leads the person.

It walks through the guide's steps 5 to 8 (continue on a phone by QR code, the steps, the
choice of the ID document, the document and face videos) without filming anything; tester
buttons decide the verdict. Each choice moves the verification's status, sends the partner's
webhooks and sends the browser back to the attempt's redirect URL.
"""

from datetime import date

import segno
from flask import Blueprint, current_app, redirect, render_template, request, url_for

from isc.identity import standin
from isc.identity.codes import code_label
from isc.identity.standin import answers, delivery, flow
from isc.identity.standin.flow import Capture, Decision, Page, StandInError

blueprint = Blueprint("ubble_standin", __name__)

DOCUMENT_TYPES = {
    "ID": "Carte nationale d'identité",
    "Passport": "Passeport",
    "ResidencePermit": "Titre de séjour",
    "DriverLicense": "Permis de conduire",
}
COUNTRIES = {
    "FRA": "France",
    "BEL": "Belgique",
    "DEU": "Allemagne",
    "ESP": "Espagne",
    "ITA": "Italie",
    "LUX": "Luxembourg",
    "NLD": "Pays-Bas",
    "PRT": "Portugal",
    "CHE": "Suisse",
    "GBR": "Royaume-Uni",
}
OUTCOMES = ("approve", "decline", "retry", "abandon")
SPECIMEN_SIDES = {
    "recto": "Recto de la pièce d'identité",
    "verso": "Verso de la pièce d'identité",
    "visage": "Visage",
}

MESSAGES = {
    "finished": (
        200,
        "Vérification terminée",
        "Le parcours de vérification de votre identité est terminé. Vous pouvez arrêter ici "
        "l'utilisation de votre téléphone mobile et consulter votre ordinateur.",
    ),
    "expired": (
        410,
        "Lien expiré",
        "Ce lien de vérification a expiré. Retournez sur le site du fournisseur d'identité "
        "pour recommencer la vérification de votre identité.",
    ),
    "replaced": (
        410,
        "Lien remplacé",
        "Un nouveau lien de vérification a été créé depuis : utilisez le plus récent, ou "
        "retournez sur le site du fournisseur d'identité.",
    ),
    "invalid": (
        400,
        "Requête incorrecte",
        "La demande envoyée n'a pas pu être comprise. Revenez en arrière et réessayez.",
    ),
    "not_found": (
        404,
        "Lien inconnu",
        "Ce lien de vérification n'existe pas. Vérifiez l'adresse ou retournez sur le site "
        "du fournisseur d'identité.",
    ),
}


@blueprint.errorhandler(StandInError)
def _refused(error: StandInError):
    state = "not_found" if error.status == 404 else error.code.removeprefix("attempt_")
    return _message(state if state in MESSAGES else "invalid")


@blueprint.get("/parcours/<token>")
def verification_page(token: str):
    """Steps 5 to 8 of the guide, and the tester's buttons."""
    with _store().transaction() as records:
        page, outgoing = flow.open_attempt(records, token)
    delivery.send(outgoing, _store())
    if page.state != "capture":
        return _message(page.state, token=token)
    return _render(page, token)


@blueprint.post("/parcours/<token>")
def decide(token: str):
    """The tester's verdict: statuses move, webhooks leave, the browser goes back to ISC."""
    decision, errors = _decision(request.form)
    if errors:
        with _store().transaction() as records:
            page, outgoing = flow.open_attempt(records, token)
        delivery.send(outgoing, _store())
        if page.state != "capture":
            return _message(page.state, token=token)
        return _render(page, token, errors=errors, status=400)
    with _store().transaction() as records:
        return_url, outgoing = flow.finish_attempt(
            records, token, decision, standin.public_url(current_app)
        )
    delivery.send(outgoing, _store())
    return redirect(return_url, 303)


@blueprint.get("/parcours/<token>/suite")
def continue_on_computer(token: str):
    """The computer's "J'ai terminé sur mon téléphone": back to ISC once the phone is done."""
    with _store().transaction() as records:
        page, outgoing = flow.open_attempt(records, token)
        return_url = (
            flow.return_url(records, page) if page.state in ("finished", "expired") else None
        )
    delivery.send(outgoing, _store())
    if return_url:
        return redirect(return_url, 303)
    if page.state == "capture":
        return redirect(url_for(".verification_page", token=token, attente=1), 303)
    return _message(page.state, token=token)


@blueprint.get("/specimens/<idv_id>/<side>.svg")
def specimen(idv_id: str, side: str):
    """A placeholder image where the partner would give a signed URL to a photo."""
    if side not in SPECIMEN_SIDES or _store().get("verification", idv_id) is None:
        return _message("not_found")
    svg = render_template(
        "identity/standin/specimen.svg", label=SPECIMEN_SIDES[side], idv_id=idv_id
    )
    return svg, 200, {"Content-Type": "image/svg+xml; charset=utf-8"}


def _decision(form) -> tuple[Decision, dict[str, str]]:
    errors: dict[str, str] = {}
    outcome = form.get("decision", "")
    if outcome not in OUTCOMES:
        errors["decision"] = "Choisissez un résultat de vérification."
    code = None
    if outcome == "decline":
        code = _int(form.get("decline_code"))
        if code not in flow.DECLINE_CODES:
            errors["decline_code"] = "Choisissez un motif de refus dans la liste."
    elif outcome == "retry":
        code = _int(form.get("retry_code"))
        if code not in flow.RETRY_CODES:
            errors["retry_code"] = "Choisissez un motif de nouvelle tentative dans la liste."
    capture = None
    if outcome in ("approve", "decline"):
        capture, capture_errors = _capture(form)
        errors.update(capture_errors)
    return Decision(outcome, code, capture), errors


def _capture(form) -> tuple[Capture, dict[str, str]]:
    errors = {}
    values = {
        name: form.get(name, "").strip()
        for name in ("document_type", "issuing_country", "first_names", "last_name", "birth_date")
    }
    if values["document_type"] not in DOCUMENT_TYPES:
        errors["document_type"] = "Sélectionnez le type de pièce d'identité."
    if values["issuing_country"] not in COUNTRIES:
        errors["issuing_country"] = "Sélectionnez le pays émetteur."
    if not values["last_name"]:
        errors["last_name"] = "Saisissez le nom figurant sur la pièce d'identité."
    try:
        date.fromisoformat(values["birth_date"])
    except ValueError:
        errors["birth_date"] = "Saisissez une date de naissance valide (format AAAA-MM-JJ)."
    return Capture(**values), errors


def _render(page: Page, token: str, *, errors: dict | None = None, status: int = 200):
    url = answers.verification_url(standin.public_url(current_app), token)
    first_names, last_name = flow.split_declared_name(page.verification["declared_data"]["name"])
    form = request.form if errors else {}
    html = render_template(
        "identity/standin/verification.html",
        verification=page.verification,
        token=token,
        url=url,
        qr_code=segno.make(url, error="m").svg_data_uri(scale=5, border=2),
        waiting=bool(request.args.get("attente")),
        errors=errors or {},
        values={
            "document_type": form.get("document_type", "ID"),
            "issuing_country": form.get("issuing_country", "FRA"),
            "first_names": form.get("first_names", first_names),
            "last_name": form.get("last_name", last_name),
            "birth_date": form.get("birth_date", "1980-01-01"),
            "decline_code": _int(form.get("decline_code")),
            "retry_code": _int(form.get("retry_code")),
        },
        document_types=DOCUMENT_TYPES,
        countries=COUNTRIES,
        decline_codes=[(code, f"{code} – {code_label(code)}") for code in flow.DECLINE_CODES],
        retry_codes=[(code, f"{code} – {code_label(code)}") for code in flow.RETRY_CODES],
    )
    return html, status


def _message(state: str, token: str | None = None):
    status, title, text = MESSAGES.get(state, MESSAGES["finished"])
    return (
        render_template(
            "identity/standin/message.html", title=title, text=text, state=state, token=token
        ),
        status,
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _store():
    return standin.store(current_app)
