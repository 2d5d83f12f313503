"""Back-channel logout: ending an ISC session sends a signed logout token to each service the
session used, by a job; so do disabling an account and withdrawing a service's authorization."""

import pytest
import sqlalchemy as sa
from joserfc import jwt

from isc import grants
from isc.models import LogoutDelivery, UserStatus
from isc.oidc.id_tokens import LOGOUT_EVENT
from tests.conftest import csrf_token_of
from tests.oidc.logout_receiver import LogoutReceiver
from tests.oidc.rp import ISSUER


@pytest.fixture
def receivers():
    with LogoutReceiver() as first, LogoutReceiver() as second:
        yield first, second


@pytest.fixture
def two_services(make_service, receivers):
    return (
        make_service(name="Convergence", backchannel_logout_uri=receivers[0].url),
        make_service(name="Observatoire", backchannel_logout_uri=receivers[1].url),
    )


def _sign_out(browser):
    token = csrf_token_of(browser.get("/tableau-de-bord").get_data(as_text=True))
    return browser.post("/deconnexion", data={"csrf_token": token})


def _check_logout_token(rp, token: str, sub: str, sid: str) -> dict:
    decoded = jwt.decode(token, rp.jwks(), algorithms=["RS256", "ES256"])
    assert decoded.header["typ"] == "logout+jwt"
    claims = decoded.claims
    assert claims["iss"] == ISSUER
    assert claims["aud"] == rp.service.client_id
    assert claims["sub"] == sub and claims["sid"] == sid
    assert claims["events"] == {LOGOUT_EVENT: {}}
    assert claims["jti"] and claims["iat"] and "nonce" not in claims
    return claims


def test_signing_out_of_isc_logs_out_every_service_the_session_used(
    make_rp, two_services, receivers, signed_in, user, outbox
):
    browser = signed_in(user)
    first, second = (make_rp(service, browser) for service in two_services)
    a = first.sign_in_and_get_tokens()
    b = second.sign_in_and_get_tokens()
    assert a["claims"]["sid"] == b["claims"]["sid"]

    assert _sign_out(browser).status_code == 303
    outbox.run_jobs()

    assert len(receivers[0].tokens) == 1 and len(receivers[1].tokens) == 1
    _check_logout_token(first, receivers[0].tokens[0], user.public_id, a["claims"]["sid"])
    _check_logout_token(second, receivers[1].tokens[0], user.public_id, b["claims"]["sid"])
    assert first.refresh(a["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_services_not_used_in_the_session_are_not_notified(
    make_rp, two_services, receivers, signed_in, user, outbox
):
    browser = signed_in(user)
    make_rp(two_services[0], browser).sign_in_and_get_tokens()

    _sign_out(browser)
    outbox.run_jobs()

    assert len(receivers[0].tokens) == 1 and receivers[1].tokens == []


def test_other_sessions_of_the_person_stay_signed_in(
    make_rp, two_services, receivers, signed_in, user, outbox
):
    laptop, phone = signed_in(user), signed_in(user)
    make_rp(two_services[0], laptop).sign_in_and_get_tokens()
    kept = make_rp(two_services[1], phone).sign_in_and_get_tokens()

    _sign_out(laptop)
    outbox.run_jobs()

    assert receivers[1].tokens == []
    assert make_rp(two_services[1], phone).refresh(kept["refresh_token"]).status_code == 200


def test_disabling_an_account_logs_it_out_of_every_service(
    make_rp, two_services, receivers, signed_in, user, db, outbox
):
    make_rp(two_services[0], signed_in(user)).sign_in_and_get_tokens()
    make_rp(two_services[1], signed_in(user)).sign_in_and_get_tokens()

    user.status = UserStatus.DISABLED
    grants.revoke_user_grants(user, "disabled")
    db.session.commit()
    outbox.run_jobs()

    assert len(receivers[0].tokens) == 1 and len(receivers[1].tokens) == 1


def test_a_delivery_is_recorded_and_not_repeated(
    make_rp, two_services, receivers, signed_in, user, db, outbox
):
    from isc.oidc.backchannel import deliver_logout

    browser = signed_in(user)
    make_rp(two_services[0], browser).sign_in_and_get_tokens()
    _sign_out(browser)
    outbox.run_jobs()

    delivery = db.session.scalar(sa.select(LogoutDelivery))
    assert delivery.delivered_at is not None and delivery.attempts == 1
    deliver_logout(delivery.id)  # at-least-once delivery: a second run does nothing
    assert len(receivers[0].tokens) == 1


def test_a_failed_delivery_is_kept_with_its_error(
    make_service, make_rp, signed_in, user, db, outbox
):
    with LogoutReceiver(status=500) as failing:
        service = make_service(backchannel_logout_uri=failing.url)
        browser = signed_in(user)
        make_rp(service, browser).sign_in_and_get_tokens()

        _sign_out(browser)
        outbox.run_jobs()

    db.session.expire_all()
    delivery = db.session.scalar(sa.select(LogoutDelivery))
    assert delivery.delivered_at is None
    assert delivery.last_error == "HTTP 500"


def test_withdrawing_an_authorization_logs_that_service_out(
    make_service, make_rp, signed_in, user, db, outbox, receivers
):
    service = make_service(first_party=False, backchannel_logout_uri=receivers[0].url)
    rp = make_rp(service, signed_in(user))
    from isc import services

    services.record_consent(user, service, ["openid", "profile", "email"])
    db.session.commit()
    tokens = rp.sign_in_and_get_tokens()

    grants.withdraw_service(user, service)
    db.session.commit()
    outbox.run_jobs()

    assert len(receivers[0].tokens) == 1
    assert rp.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert rp.authorize().response.status_code == 200  # consent asked again
