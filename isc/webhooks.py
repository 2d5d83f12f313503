"""Webhooks that partners call: `/partenaires/ubble/webhook` (identity verification).

The signature is checked on the raw body before anything else; the event is stored once and
processed by a job, so the answer is fast and a repeated delivery changes nothing.
"""

import logging

from flask import Blueprint, Flask, request

from isc import identity_checks
from isc.extensions import csrf, db, limiter
from isc.identity.signature import InvalidSignature
from isc.identity.webhook import InvalidEvent

log = logging.getLogger(__name__)

blueprint = Blueprint("webhooks", __name__)
MAX_BODY = 256 * 1024


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)


@blueprint.route("/partenaires/ubble/webhook", methods=["POST"])
@csrf.exempt
@limiter.exempt
def ubble():
    if (request.content_length or 0) > MAX_BODY:
        return {"error": "payload_too_large"}, 413
    body = request.get_data(cache=False)
    try:
        event = identity_checks.receive_webhook(request.headers.get("Cko-Signature"), body)
    except InvalidSignature as error:
        log.warning("Partner webhook refused: %s", error.reason)
        return {"error": "invalid_signature", "reason": error.reason}, 401
    except InvalidEvent as error:
        log.warning("Partner webhook unreadable: %s", error)
        return {"error": "invalid_event"}, 400
    db.session.commit()
    return {"received": event.event_id}, 200
