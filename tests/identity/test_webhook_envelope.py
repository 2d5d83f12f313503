"""The webhook body: a CloudEvents envelope, read tolerantly, refused only when it is not one."""

import json

import pytest

from isc.identity import codes
from isc.identity.webhook import InvalidEvent, parse_event

ENVELOPE = {
    "specversion": "2.0",
    "type": "identity_verification_checks_completed",
    "subject": "idv_01je97fqt08dn6a687jcqnxd1b",
    "id": "evnt_01je97rkkmse0gaxdbh797tqxw",
    "time": "2024-12-04T16:24:00Z",
    "datacontenttype": "application/json",
    "data": {
        "applicant_id": "aplt_01je97fqhmtk2jmn6gcgyram3s",
        "external_applicant_id": "registration-42",
        "identity_verification_id": "idv_01je97fqt08dn6a687jcqnxd1b",
        "response_codes": [
            {"code": 62301, "summary": "document_counterfeit"},
            {"code": 62304, "summary": "face_mismatch"},
        ],
        "status": "declined",
        "user_journey_id": "usj_01h13smebsb2y1tyyrzx1sgma7",
    },
}


def body(**changes) -> bytes:
    return json.dumps({**ENVELOPE, **changes}).encode()


def test_checks_completed_event_is_read():
    event = parse_event(body())
    assert event.type == codes.EVENT_CHECKS_COMPLETED and event.type_known
    assert event.event_id == "evnt_01je97rkkmse0gaxdbh797tqxw"
    assert event.identity_verification_id == "idv_01je97fqt08dn6a687jcqnxd1b"
    assert event.status == codes.DECLINED and event.status_known
    assert event.response_codes == [(62301, "document_counterfeit"), (62304, "face_mismatch")]
    assert event.applicant_id == "aplt_01je97fqhmtk2jmn6gcgyram3s"
    assert event.external_applicant_id == "registration-42"
    assert event.user_journey_id == "usj_01h13smebsb2y1tyyrzx1sgma7"
    assert event.time.isoformat() == "2024-12-04T16:24:00+00:00"


def test_cloudevents_1_0_envelope_is_read_too():
    assert parse_event(body(specversion="1.0")).specversion == "1.0"


def test_unknown_type_status_and_fields_are_kept():
    data = {**ENVELOPE["data"], "status": "under_review", "brand_new": [1, 2]}
    event = parse_event(body(type="identity_verification_something_new", data=data, extension="x"))
    assert event.type == "identity_verification_something_new" and not event.type_known
    assert event.status == "under_review" and not event.status_known
    assert event.data["brand_new"] == [1, 2]


def test_unknown_type_about_something_else_needs_no_verification_id():
    event = parse_event(
        body(type="applicant_updated", subject="aplt_1", data={"applicant_id": "aplt_1"})
    )
    assert event.identity_verification_id is None


def test_verification_id_falls_back_on_the_subject():
    data = {
        key: value for key, value in ENVELOPE["data"].items() if key != "identity_verification_id"
    }
    assert parse_event(body(data=data)).identity_verification_id == ENVELOPE["subject"]


def test_odd_values_do_not_break_parsing():
    event = parse_event(body(time="hier", data={**ENVELOPE["data"], "response_codes": "none"}))
    assert event.time is None and event.response_codes == []


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'"identity_verification_checks_completed"',
        json.dumps(
            {"type": "identity_verification_checks_completed"}
        ).encode(),  # no specversion, no id
        json.dumps({k: v for k, v in ENVELOPE.items() if k != "type"}).encode(),
        json.dumps({**ENVELOPE, "id": ""}).encode(),
        json.dumps({**ENVELOPE, "data": ["not", "an", "object"]}).encode(),
        json.dumps({**ENVELOPE, "subject": None, "data": {"status": "approved"}}).encode(),
    ],
)
def test_what_is_not_an_envelope_is_refused(raw):
    with pytest.raises(InvalidEvent):
        parse_event(raw)
