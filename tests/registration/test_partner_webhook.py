"""The partner's webhook: only genuine, fresh deliveries are stored, each event once; the job
reads the verification back from the partner, so repeats and disorder change nothing; when the
partner is down the event waits and the reconciliation catches up. Nothing lost, nothing
applied twice."""

import logging
import time

import pytest
import sqlalchemy as sa

from isc import identity_checks
from isc.identity.signature import generate_private_key
from isc.models import AuditEvent
from isc.models.registration import Registration, RegistrationStatus
from tests.registration.conftest import WEBHOOK, closed_port_url, webhook_body

IDV = "idv_01testverification0000000"
CHECKS_COMPLETED = "identity_verification_checks_completed"
CAPTURE_COMPLETED = "identity_verification_capture_completed"


@pytest.fixture
def waiting_dossier(make_registration):
    """A dossier sent to the partner, waiting for its verdict."""
    return make_registration("identity_check", verification_id=IDV)


@pytest.fixture
def deliver(post_webhook, outbox):
    """`deliver(body)`: the partner POSTs a signed webhook; the queued jobs run (RQ)."""

    def send(body: bytes, **kwargs):
        response = post_webhook(body, **kwargs)
        outbox.run_jobs()
        return response

    return send


def dossier(db, registration_id: int) -> Registration:
    db.session.rollback()
    return db.session.get(Registration, registration_id)


def in_review_mails(outbox, registration: Registration) -> int:
    return [m.template for m in outbox.messages(registration.email)].count("registration_in_review")


def test_checks_completed_is_applied_and_the_dossier_goes_to_review(
    waiting_dossier, scripted_partner, deliver, partner_events, db, outbox
):
    scripted_partner.answer(IDV, "approved", (10000,))

    response = deliver(webhook_body(CHECKS_COMPLETED, IDV, "approved", codes=(10000,)))

    assert response.status_code == 200
    [event] = partner_events()
    assert response.json == {"received": event.event_id}
    assert (event.event_type, event.verification_id, event.outcome) == (
        CHECKS_COMPLETED,
        IDV,
        "applied",
    )
    assert event.processed_at is not None and event.payload["status"] == "approved"
    registration = dossier(db, waiting_dossier.id)
    assert registration.status == RegistrationStatus.IN_REVIEW
    check = registration.identity_check
    assert check.partner_status == "approved"
    assert (check.document_type, check.document_country, check.document_number) == (
        "ID",
        "FRA",
        "24AB12CD34",
    )
    assert (check.first_names, check.last_name, check.birth_date.isoformat()) == (
        "PIERRE, FRANÇOIS",
        "DURAND",
        "1969-08-03",
    )
    assert in_review_mails(outbox, registration) == 1


@pytest.mark.parametrize(
    "header",
    [
        None,  # signed with another key: see below
        "",
        "1700000000:1-test-v1",
        "not-a-timestamp:1-test-v1:AAAA",
        f"{int(time.time())}:1-test-v1:bm90IGEgc2lnbmF0dXJl",
    ],
    ids=["other-key", "missing", "malformed", "bad-timestamp", "garbage-signature"],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(
    waiting_dossier, scripted_partner, post_webhook, partner_events, db, header
):
    body = webhook_body(CHECKS_COMPLETED, IDV, "approved", codes=(10000,))

    if header is None:
        response = post_webhook(body, key=generate_private_key())
    else:
        response = post_webhook(body, header=header)

    assert response.status_code == 401
    assert response.json["error"] == "invalid_signature"
    assert partner_events() == []
    assert scripted_partner.reads == []
    assert dossier(db, waiting_dossier.id).status == RegistrationStatus.IDENTITY_CHECK


def test_a_body_changed_after_signing_is_refused(
    waiting_dossier, app, client, webhook_key, post_webhook, partner_events
):
    from isc.identity.signature import HEADER, sign

    signed = webhook_body(CAPTURE_COMPLETED, IDV, "checks_in_progress")
    header = sign(signed, webhook_key, "1-test-v1")
    forged = signed.replace(CAPTURE_COMPLETED.encode(), CHECKS_COMPLETED.encode())

    response = client.post(
        WEBHOOK, data=forged, headers={HEADER: header}, content_type="application/json"
    )

    assert response.status_code == 401 and response.json["reason"] == "bad_signature"
    assert partner_events() == []


def test_a_stale_timestamp_is_refused(waiting_dossier, post_webhook, partner_events, app):
    body = webhook_body(CHECKS_COMPLETED, IDV, "approved", codes=(10000,))
    too_old = time.time() - app.config["UBBLE_WEBHOOK_MAX_AGE"] - 5

    response = post_webhook(body, timestamp=too_old)

    assert response.status_code == 401
    assert response.json == {"error": "invalid_signature", "reason": "stale_timestamp"}
    assert partner_events() == []


def test_a_timestamp_from_the_future_is_refused(post_webhook, partner_events):
    response = post_webhook(
        webhook_body(CHECKS_COMPLETED, IDV, "approved"), timestamp=time.time() + 3600
    )

    assert response.status_code == 401 and response.json["reason"] == "future_timestamp"
    assert partner_events() == []


def test_an_event_about_an_unknown_verification_is_stored_and_set_aside(
    waiting_dossier, scripted_partner, deliver, partner_events, db
):
    response = deliver(webhook_body(CHECKS_COMPLETED, "idv_nobodyknowsthisone", "approved"))

    assert response.status_code == 200
    [event] = partner_events()
    assert event.verification_id == "idv_nobodyknowsthisone"
    assert event.outcome == "unknown_verification" and event.processed_at is not None
    assert scripted_partner.reads == []
    assert dossier(db, waiting_dossier.id).status == RegistrationStatus.IDENTITY_CHECK


def test_a_duplicate_delivery_is_stored_once_and_applied_once(
    waiting_dossier, scripted_partner, deliver, partner_events, db, outbox
):
    scripted_partner.answer(IDV, "approved", (10000,))
    body = webhook_body(CHECKS_COMPLETED, IDV, "approved", codes=(10000,), event_id="evnt_same")

    first = deliver(body)
    second = deliver(body)  # the partner did not see the first answer: it sends again

    assert first.status_code == second.status_code == 200
    assert first.json == second.json == {"received": "evnt_same"}
    assert len(partner_events()) == 1
    assert scripted_partner.reads == [IDV]
    registration = dossier(db, waiting_dossier.id)
    assert registration.status == RegistrationStatus.IN_REVIEW
    assert in_review_mails(outbox, registration) == 1


def test_statuses_out_of_order_change_nothing_once_in_review(
    waiting_dossier, scripted_partner, deliver, partner_events, db, outbox
):
    scripted_partner.answer(IDV, "approved", (10000,))
    deliver(webhook_body(CHECKS_COMPLETED, IDV, "approved", codes=(10000,)))
    submitted_at = dossier(db, waiting_dossier.id).submitted_at

    late = deliver(webhook_body(CAPTURE_COMPLETED, IDV, "checks_in_progress"))  # sent earlier

    assert late.status_code == 200
    assert [e.outcome for e in partner_events()] == ["applied", "applied"]
    registration = dossier(db, waiting_dossier.id)
    assert registration.status == RegistrationStatus.IN_REVIEW
    assert registration.submitted_at == submitted_at
    assert (
        registration.identity_check.partner_status == "approved"
    )  # the partner's truth, not the event's
    assert in_review_mails(outbox, registration) == 1
    submitted = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "registration.submitted")
    ).all()
    assert len(submitted) == 1


def test_an_early_event_does_not_end_the_check(
    waiting_dossier, scripted_partner, deliver, db, outbox
):
    scripted_partner.answer(IDV, "checks_in_progress", document=False)

    deliver(webhook_body(CAPTURE_COMPLETED, IDV, "checks_in_progress"))

    registration = dossier(db, waiting_dossier.id)
    assert registration.status == RegistrationStatus.IDENTITY_CHECK
    assert registration.identity_check.partner_status == "checks_in_progress"
    assert in_review_mails(outbox, registration) == 0


def test_retry_required_keeps_the_check_open_for_a_new_attempt(
    waiting_dossier, scripted_partner, deliver, db, outbox
):
    scripted_partner.answer(IDV, "retry_required", (61313,), document=False)

    deliver(
        webhook_body(
            "identity_verification_checks_inconclusive", IDV, "retry_required", codes=(61313,)
        )
    )

    registration = dossier(db, waiting_dossier.id)
    assert registration.status == RegistrationStatus.IDENTITY_CHECK
    check = registration.identity_check
    assert check.partner_status == identity_checks.RETRY_STATUS and check.completed_at is None
    assert check.response_codes == [{"code": 61313, "summary": "document_not_tilted"}]
    assert in_review_mails(outbox, registration) == 0


def test_partner_down_when_the_job_fetches_then_reconciliation_applies_it(
    waiting_dossier, scripted_partner, post_webhook, partner_events, db, outbox, app, caplog
):
    scripted_partner.answer(IDV, "approved", (10000,))
    app.config["UBBLE_API_URL"] = closed_port_url()
    caplog.set_level(logging.INFO)

    response = post_webhook(webhook_body(CHECKS_COMPLETED, IDV, "approved", codes=(10000,)))
    outbox.run_jobs()

    assert response.status_code == 200  # the event is accepted: the partner must not resend it
    [event] = partner_events()
    assert event.processed_at is None and event.outcome is None  # kept, to be processed again
    assert dossier(db, waiting_dossier.id).status == RegistrationStatus.IDENTITY_CHECK
    if app.extensions["isc.redis"] is None:
        assert "Inline job process_partner_event" in caplog.text
        assert "Partner unreachable" in caplog.text
    else:
        from rq.registry import ScheduledJobRegistry

        from isc.jobs import queue

        scheduled = ScheduledJobRegistry(queue=queue())
        assert len(scheduled.get_job_ids()) == 1  # RQ tries again later

    # The partner is back; the periodic reconciliation asks about checks without news.
    app.config["UBBLE_API_URL"] = scripted_partner.url
    app.config["IDENTITY_RECONCILE_AFTER"] = 0

    assert identity_checks.reconcile() == 1

    registration = dossier(db, waiting_dossier.id)
    assert registration.status == RegistrationStatus.IN_REVIEW
    assert registration.identity_check.partner_status == "approved"
    # The event's own retry comes afterwards: it applies, and changes nothing more.
    identity_checks.process_partner_event(event.id)
    assert partner_events()[0].outcome == "applied"
    assert in_review_mails(outbox, dossier(db, waiting_dossier.id)) == 1


def test_reconciliation_leaves_checks_with_recent_news_alone(waiting_dossier, scripted_partner, db):
    scripted_partner.answer(IDV, "approved", (10000,))

    assert identity_checks.reconcile() == 0  # IDENTITY_RECONCILE_AFTER has not passed

    assert scripted_partner.reads == []
    assert dossier(db, waiting_dossier.id).status == RegistrationStatus.IDENTITY_CHECK


def test_reconciliation_skips_a_partner_still_down(waiting_dossier, app, db):
    app.config["UBBLE_API_URL"] = closed_port_url()
    app.config["IDENTITY_RECONCILE_AFTER"] = 0

    assert identity_checks.reconcile() == 0

    assert dossier(db, waiting_dossier.id).status == RegistrationStatus.IDENTITY_CHECK


def test_an_unknown_event_type_is_kept(waiting_dossier, scripted_partner, deliver, partner_events):
    scripted_partner.answer(IDV, "pending", document=False)

    response = deliver(webhook_body("identity_verification_something_new", IDV, "pending"))

    assert response.status_code == 200
    assert [e.event_type for e in partner_events()] == ["identity_verification_something_new"]


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"specversion":"2.0","type":"x"}'],
    ids=["not-json", "array", "no-id"],
)
def test_a_signed_body_that_is_no_event_is_refused(post_webhook, partner_events, body):
    response = post_webhook(body)

    assert response.status_code == 400 and response.json == {"error": "invalid_event"}
    assert partner_events() == []


def test_an_oversized_body_is_refused(post_webhook, partner_events):
    response = post_webhook(b'{"padding":"' + b"x" * (300 * 1024) + b'"}')

    assert response.status_code == 413
    assert partner_events() == []
