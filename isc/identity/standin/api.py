"""The stand-in's API v2: the endpoints `UbbleClient` calls, with the partner's answers.

Authentication: HTTP Basic is required when UBBLE_CLIENT_ID and UBBLE_CLIENT_SECRET are set,
as the partner would; mutual TLS cannot be imitated over the development server's plain HTTP.
Errors are the partner's problem documents: `{"error_type": ..., "error_codes": [...]}`.
"""

from hmac import compare_digest

from flask import Blueprint, current_app, jsonify, request

from isc.identity import standin
from isc.identity.standin import answers, delivery, flow
from isc.identity.standin.flow import StandInError

blueprint = Blueprint("ubble_standin_api", __name__)


@blueprint.before_request
def _check_credentials():
    expected = (
        current_app.config.get("UBBLE_CLIENT_ID"),
        current_app.config.get("UBBLE_CLIENT_SECRET"),
    )
    if not all(expected):
        return None
    auth = request.authorization
    if (
        auth is None
        or auth.type != "basic"
        or not compare_digest((auth.username or "").encode(), expected[0].encode())
        or not compare_digest((auth.password or "").encode(), expected[1].encode())
    ):
        return _problem(StandInError(401, "unauthorized", "invalid_credentials"))
    return None


@blueprint.errorhandler(StandInError)
def _problem(error: StandInError):
    return jsonify({"error_type": error.error_type, "error_codes": [error.code]}), error.status


@blueprint.post("/v2/applicants")
def create_applicant():
    with _store().transaction() as records:
        applicant = flow.create_applicant(records, _json_body())
    return jsonify(answers.applicant_json(applicant, _public_url())), 201


@blueprint.post("/v2/identity-verifications")
def create_identity_verification():
    with _store().transaction() as records:
        verification, outgoing = flow.create_verification(records, _json_body())
    delivery.send(outgoing, _store())
    return jsonify(answers.verification_json(verification, _public_url())), 201


@blueprint.get("/v2/identity-verifications/<idv_id>")
def get_identity_verification(idv_id: str):
    with _store().transaction() as records:
        verification = flow.get_verification(records, idv_id)
    return jsonify(answers.verification_json(verification, _public_url()))


@blueprint.post("/v2/identity-verifications/<idv_id>/attempts")
def create_attempt(idv_id: str):
    with _store().transaction() as records:
        attempt, outgoing = flow.create_attempt(records, idv_id, _json_body())
    delivery.send(outgoing, _store())
    return jsonify(answers.attempt_json(attempt, _public_url())), 201


@blueprint.post("/v2/identity-verifications/<idv_id>/notify")
def notify(idv_id: str):
    body = _json_body(required=False)
    with _store().transaction() as records:
        outgoing = flow.notify(records, idv_id, body.get("webhook_url"))
    delivery.send(outgoing, _store())
    return "", 204


def _json_body(required: bool = True) -> dict:
    body = request.get_json(silent=True)
    if body is None and not required and not request.get_data():
        return {}
    if not isinstance(body, dict):
        raise StandInError(400, "request_invalid", "body_must_be_a_json_object")
    return body


def _store():
    return standin.store(current_app)


def _public_url() -> str:
    return standin.public_url(current_app)
