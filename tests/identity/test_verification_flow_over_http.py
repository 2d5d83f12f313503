"""The client against the stand-in over real HTTP: applicant → verification → attempt → the
hosted page's choice → signed webhooks received by a separate server → the verdict read back."""

import time
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from isc.identity import codes
from isc.identity.checks import Outcome, review_checks
from isc.identity.signature import HEADER, verify_webhook
from isc.identity.webhook import parse_event
from isc.identity.client import from_config
from tests.conftest import serve
from tests.identity.conftest import Browser, value_of

RETURN_URL = "http://isc.example/inscription/retour"


def received_event(receiver, event_type, app):
    """The webhook of `event_type`, its signature checked with ISC's own settings."""
    received = receiver.wait_for(event_type)
    verify_webhook(received.headers.get(HEADER), received.body, app)
    return parse_event(received.body)


def test_approved_verification_end_to_end(
    ubble, start_verification, browser, webhook_receiver, standin_app
):
    idv_id, url = start_verification()
    assert idv_id.startswith("idv_")
    assert url.startswith(standin_app.config["BASE_URL"] + "/_partenaire/ubble/parcours/")
    assert ubble.get_identity_verification(idv_id).status == codes.PENDING

    response = browser.choose(url, "approve")

    assert response.status_code == 303
    back = urlsplit(response.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == RETURN_URL
    assert parse_qs(back.query) == {"id": [idv_id], "event": [codes.EVENT_CHECKS_COMPLETED]}

    event = received_event(webhook_receiver, codes.EVENT_CHECKS_COMPLETED, standin_app)
    assert event.identity_verification_id == idv_id
    assert event.status == codes.APPROVED
    assert event.response_codes == [(10000, "approved")]
    assert webhook_receiver.types() == [
        codes.EVENT_CREATED,
        codes.EVENT_OPENED,
        codes.EVENT_STARTED,
        codes.EVENT_CAPTURE_COMPLETED,
        codes.EVENT_CHECKS_COMPLETED,
    ]

    verification = ubble.get_identity_verification(idv_id)
    assert verification.status == codes.APPROVED and verification.status_known
    assert verification.declared_name == "Pierre-François Durand"
    document = verification.document
    assert (document.document_type, document.issuing_country) == ("ID", "FRA")
    assert (document.first_names, document.last_name) == ("PIERRE-FRANÇOIS", "DURAND")
    assert document.birth_date == date(1980, 1, 1)
    assert document.expiry_date > date.today()
    assert verification.face_image_url.endswith("/visage.svg")
    assert all(
        check.outcome is Outcome.PASSED for check in review_checks(verification.response_codes)
    )


def test_statuses_move_as_the_person_goes_through_the_page(ubble, start_verification, browser):
    idv_id, url = start_verification()
    browser.get(url)
    assert ubble.get_identity_verification(idv_id).status == codes.CAPTURE_IN_PROGRESS


@pytest.mark.parametrize("code", [62101, 62201, 62301, 62304, 62305, 62401])
def test_declined_verification_carries_the_chosen_code(
    code, ubble, start_verification, browser, webhook_receiver, standin_app
):
    idv_id, url = start_verification()

    response = browser.choose(url, "decline", decline_code=str(code))

    assert parse_qs(urlsplit(response.headers["Location"]).query)["response_code"] == [str(code)]
    event = received_event(webhook_receiver, codes.EVENT_CHECKS_COMPLETED, standin_app)
    assert (event.status, [c.code for c in event.response_codes]) == (codes.DECLINED, [code])
    verification = ubble.get_identity_verification(idv_id)
    assert verification.status == codes.DECLINED
    failed = [
        check.key
        for check in review_checks(verification.response_codes)
        if check.outcome is Outcome.FAILED
    ]
    expected = {62304: "face", 62305: "face", 62401: "declared_identity"}.get(code, "document")
    assert failed == [expected]
    if code == 62101:
        assert verification.document.expiry_date < date.today()


def test_names_read_on_the_document_are_those_the_tester_typed(ubble, start_verification, browser):
    idv_id, url = start_verification()
    browser.choose(
        url, "decline", decline_code="62401", first_names="JEAN, PAUL", last_name="MARTIN"
    )
    document = ubble.get_identity_verification(idv_id).document
    assert (document.first_names, document.last_name, document.full_name) == (
        "JEAN, PAUL",
        "MARTIN",
        "JEAN PAUL MARTIN",
    )


def test_retry_required_then_a_new_attempt_starts_over(
    ubble, start_verification, browser, webhook_receiver, standin_app
):
    idv_id, url = start_verification()

    browser.choose(url, "retry", retry_code="61313")

    event = received_event(webhook_receiver, codes.EVENT_CHECKS_INCONCLUSIVE, standin_app)
    assert (event.status, event.response_codes) == (
        codes.RETRY_REQUIRED,
        [(61313, "document_not_tilted")],
    )
    verification = ubble.get_identity_verification(idv_id)
    assert verification.status == codes.RETRY_REQUIRED
    assert review_checks(verification.response_codes).retry_codes == (61313,)

    new_url = ubble.create_attempt(idv_id, RETURN_URL)
    assert new_url != url
    received_event(webhook_receiver, codes.EVENT_RETRY_REQUESTED, standin_app)
    assert ubble.get_identity_verification(idv_id).status == codes.PENDING
    assert browser.get(url).status_code == 410  # the old link is replaced
    assert browser.choose(new_url, "approve").status_code == 303
    assert ubble.get_identity_verification(idv_id).status == codes.APPROVED


def test_abandoned_capture_asks_for_a_retry(
    ubble, start_verification, browser, webhook_receiver, standin_app
):
    idv_id, url = start_verification()

    response = browser.choose(url, "abandon")

    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["event"] == [codes.EVENT_CAPTURE_ABORTED] and query["response_code"] == ["61101"]
    event = received_event(webhook_receiver, codes.EVENT_CAPTURE_ABORTED, standin_app)
    assert event.status == codes.RETRY_REQUIRED
    assert codes.EVENT_CAPTURE_COMPLETED not in webhook_receiver.types()
    assert ubble.get_identity_verification(idv_id).document is None


def test_a_finished_attempt_cannot_be_decided_twice(ubble, start_verification, browser):
    idv_id, url = start_verification()
    first_tab = browser.get(url).text
    browser.choose(url, "approve")

    again = browser.session.post(
        url,
        data={
            "csrf_token": value_of(first_tab, "csrf_token"),
            "decision": "retry",
            "retry_code": "61301",
        },
        allow_redirects=False,
    )

    assert again.status_code == 200 and "Vérification terminée" in again.text
    assert "Vérification terminée" in browser.get(url).text
    assert ubble.get_identity_verification(idv_id).status == codes.APPROVED


def test_computer_goes_back_to_isc_once_the_phone_is_done(start_verification, browser):
    _idv_id, url = start_verification()
    computer = type(browser)()

    early = computer.get(url + "/suite")
    assert early.status_code == 303 and early.headers["Location"].endswith("?attente=1")

    browser.choose(url, "approve")  # on the phone
    done = computer.get(url + "/suite")
    assert done.status_code == 303 and done.headers["Location"].startswith(RETURN_URL + "?id=idv_")


def test_notification_can_be_requested_again(
    ubble, start_verification, browser, webhook_receiver, standin_app
):
    idv_id, url = start_verification()
    browser.choose(url, "approve")
    first = received_event(webhook_receiver, codes.EVENT_CHECKS_COMPLETED, standin_app)

    ubble.request_notification(idv_id, webhook_receiver.url)

    def copies():
        return webhook_receiver.types().count(codes.EVENT_CHECKS_COMPLETED)

    deadline = time.monotonic() + 10
    while copies() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert copies() == 2
    again = [parse_event(r.body) for r in webhook_receiver.received][-1]
    assert again.event_id == first.event_id  # the same event: receivers must be idempotent


def test_a_receiver_that_fails_gets_the_webhook_again(
    start_verification, browser, webhook_receiver, standin_app
):
    webhook_receiver.status = 503
    _idv_id, url = start_verification()
    webhook_receiver.wait_for(codes.EVENT_CREATED)
    webhook_receiver.status = 200
    browser.choose(url, "approve")
    received_event(webhook_receiver, codes.EVENT_CHECKS_COMPLETED, standin_app)
    assert webhook_receiver.types().count(codes.EVENT_CREATED) >= 2


def test_webhooks_to_a_single_threaded_isc_do_not_deadlock(standin_app):
    """The webhook URL is the very server handling the choice, which serves one request at a
    time: the stand-in must answer first and send afterwards."""
    with serve(standin_app, threaded=False) as url:
        standin_app.config["BASE_URL"] = url
        client = from_config(standin_app)
        applicant_id = client.create_applicant("registration-7", "c@example.fr")
        idv_id = client.create_identity_verification(
            applicant_id, "Camille Martin", RETURN_URL, url + "/webhooks/ubble"
        )
        started = time.monotonic()
        response = Browser().choose(client.create_attempt(idv_id, RETURN_URL), "approve")
        assert response.status_code == 303
        assert time.monotonic() - started < 3
