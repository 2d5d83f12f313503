"""The partner's webhook body: a CloudEvents envelope around an identity verification's news.

Parse only after `signature.verify_webhook` accepted the raw bytes. Unknown event types,
statuses and fields are kept (and logged by the caller) rather than refused: the partner adds
events over time and a refused webhook would be sent again, then lost.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime

from isc.identity.codes import EVENT_TYPES, STATUSES, ResponseCode, parse_response_codes
from isc.identity.fields import text, timestamp

log = logging.getLogger(__name__)


class InvalidEvent(ValueError):
    """The body is not a CloudEvents envelope the partner would send."""


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str  # "evnt_...": the same event sent twice has the same id
    type: str  # "identity_verification_checks_completed", ... (see codes.EVENT_TYPES)
    specversion: str
    subject: str | None
    time: datetime | None
    identity_verification_id: str | None  # None only for an unknown type about something else
    status: str | None
    response_codes: list[ResponseCode]
    applicant_id: str | None
    external_applicant_id: str | None
    user_journey_id: str | None
    data: dict = field(repr=False, compare=False)  # the whole `data`, for the record

    @property
    def type_known(self) -> bool:
        return self.type in EVENT_TYPES

    @property
    def status_known(self) -> bool:
        return self.status in STATUSES


def parse_event(body: bytes | str | dict) -> WebhookEvent:
    """Read a webhook body; raise `InvalidEvent` if it is not an envelope at all."""
    envelope = _json_object(body)
    for name in ("specversion", "type", "id"):
        if not isinstance(envelope.get(name), str) or not envelope[name].strip():
            raise InvalidEvent(f"the envelope has no {name!r}")
    data = envelope.get("data", {})
    if not isinstance(data, dict):
        raise InvalidEvent("the envelope's data is not an object")
    subject = text(envelope.get("subject"))
    idv_id = text(data.get("identity_verification_id"))
    if idv_id is None and subject and subject.startswith("idv_"):
        idv_id = subject
    event_type = envelope["type"]
    if idv_id is None and event_type in EVENT_TYPES:
        raise InvalidEvent(f"{event_type} without identity_verification_id")
    return WebhookEvent(
        event_id=envelope["id"],
        type=event_type,
        specversion=envelope["specversion"],
        subject=subject,
        time=timestamp(envelope.get("time")),
        identity_verification_id=idv_id,
        status=text(data.get("status")),
        response_codes=parse_response_codes(data.get("response_codes")),
        applicant_id=text(data.get("applicant_id")),
        external_applicant_id=text(data.get("external_applicant_id")),
        user_journey_id=text(data.get("user_journey_id")),
        data=data,
    )


def _json_object(body: bytes | str | dict) -> dict:
    if isinstance(body, dict):
        return body
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidEvent(f"the body is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise InvalidEvent("the body is not a JSON object")
    return value
