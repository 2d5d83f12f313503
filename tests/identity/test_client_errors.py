"""The client's failures: always one PartnerError, retryable only when waiting may help."""

import json
import socket
import time

import pytest
from werkzeug.wrappers import Response

from isc.identity.client import PartnerError, UbbleClient, from_config


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def json_response(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def test_partner_down_is_retryable():
    client = UbbleClient(f"http://127.0.0.1:{closed_port()}", timeout=2)
    with pytest.raises(PartnerError) as caught:
        client.create_applicant("registration-1", "a@example.fr")
    assert caught.value.retryable
    assert caught.value.status_code is None


def test_timeout_is_retryable(fake_partner):
    def slow(request):
        time.sleep(1)
        return json_response({"id": "aplt_late"})

    client = UbbleClient(fake_partner(slow), timeout=0.2)
    with pytest.raises(PartnerError) as caught:
        client.create_applicant("registration-1", "a@example.fr")
    assert caught.value.retryable


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_are_retryable(fake_partner, status):
    client = UbbleClient(
        fake_partner(lambda request: Response("Service indisponible", status=status))
    )
    with pytest.raises(PartnerError) as caught:
        client.get_identity_verification("idv_x")
    assert caught.value.retryable
    assert caught.value.status_code == status


def test_unknown_verification_is_a_final_error(ubble):
    with pytest.raises(PartnerError) as caught:
        ubble.get_identity_verification("idv_doesnotexist")
    assert not caught.value.retryable
    assert caught.value.status_code == 404
    assert caught.value.error_codes == ("identity_verification_not_found",)


def test_refused_request_is_not_retryable(ubble):
    with pytest.raises(PartnerError) as caught:
        ubble.create_identity_verification(
            "aplt_unknown", "Camille Martin", "http://isc.example/r", "http://isc.example/w"
        )
    assert not caught.value.retryable
    assert (caught.value.status_code, caught.value.error_type) == (422, "request_invalid")


def test_attempt_on_a_closed_verification_is_refused(ubble, start_verification, browser):
    idv_id, url = start_verification()
    browser.choose(url, "approve")
    with pytest.raises(PartnerError) as caught:
        ubble.create_attempt(idv_id, "http://isc.example/r")
    assert (caught.value.status_code, caught.value.retryable) == (409, False)


def test_answer_that_is_not_json_is_an_error(fake_partner):
    client = UbbleClient(
        fake_partner(lambda request: Response("<html>proxy</html>", mimetype="text/html"))
    )
    with pytest.raises(PartnerError) as caught:
        client.create_applicant("registration-1", "a@example.fr")
    assert not caught.value.retryable


def test_answer_without_an_id_is_an_error(fake_partner):
    client = UbbleClient(fake_partner(lambda request: json_response({"status": "ok"}, 201)))
    with pytest.raises(PartnerError):
        client.create_applicant("registration-1", "a@example.fr")
    with pytest.raises(PartnerError):
        client.create_attempt("idv_x", "http://isc.example/r")  # no verification_url either


def test_missing_certificate_file_is_an_error_not_a_crash(tmp_path):
    client = UbbleClient(
        "https://127.0.0.1:9", cert=(str(tmp_path / "no.pem"), str(tmp_path / "no.key"))
    )
    with pytest.raises(PartnerError) as caught:
        client.create_applicant("registration-1", "a@example.fr")
    assert not caught.value.retryable


def test_unknown_status_and_fields_are_tolerated(fake_partner):
    answer = {
        "id": "idv_new",
        "status": "under_human_review",
        "applicant_id": "aplt_1",
        "a_field_from_the_future": {"x": 1},
        "response_codes": [{"code": "62999"}, {"oops": 1}, "junk"],
        "documents": [{"document_type": "ID", "document_expiry_date": "not a date", "extra": True}],
    }
    client = UbbleClient(fake_partner(lambda request: json_response(answer)))

    verification = client.get_identity_verification("idv_new")

    assert verification.status == "under_human_review"
    assert not verification.status_known
    assert verification.response_codes == [(62999, "")]
    assert verification.document.document_type == "ID"
    assert verification.document.expiry_date is None
    assert verification.raw == answer


def test_basic_credentials_are_required_when_configured(
    standin_config, live_standin_with_credentials
):
    app, url = live_standin_with_credentials
    with pytest.raises(PartnerError) as caught:
        UbbleClient(url + "/_partenaire/ubble").create_applicant("registration-1", "a@example.fr")
    assert (caught.value.status_code, caught.value.retryable) == (401, False)
    wrong = UbbleClient(url + "/_partenaire/ubble", basic_auth=("isc", "wrong"))
    with pytest.raises(PartnerError):
        wrong.create_applicant("registration-1", "a@example.fr")

    assert from_config(app).create_applicant("registration-1", "a@example.fr").startswith("aplt_")


def test_client_sends_what_the_partner_expects(fake_partner):
    seen = []

    def partner(request):
        seen.append((request.method, request.path, request.get_json(), request.authorization))
        return json_response(
            {"id": "idv_1", "_links": {"verification_url": {"href": "https://id.example/x"}}}, 201
        )

    client = UbbleClient(
        fake_partner(partner) + "/", basic_auth=("isc", "s3cret"), user_journey_id="usj_conf"
    )
    client.create_identity_verification(
        "aplt_1", "Camille Martin", "https://isc.example/r", "https://isc.example/w"
    )
    assert client.create_attempt("idv_1", "https://isc.example/r") == "https://id.example/x"

    (method, path, body, auth), (_, attempt_path, attempt_body, _) = seen
    assert (method, path) == ("POST", "/v2/identity-verifications")
    assert body == {
        "applicant_id": "aplt_1",
        "declared_data": {"name": "Camille Martin"},
        "redirect_url": "https://isc.example/r",
        "webhook_url": "https://isc.example/w",
        "user_journey_id": "usj_conf",
    }
    assert (auth.username, auth.password) == ("isc", "s3cret")
    assert attempt_path == "/v2/identity-verifications/idv_1/attempts"
    assert attempt_body == {"redirect_url": "https://isc.example/r"}
