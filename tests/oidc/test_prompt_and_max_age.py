"""Conformance suite, basic plan: prompt=login, prompt=none, max_age and id_token_hint, which
decide whether the person must sign in again."""

from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from isc.models import AuthSession
from isc.models.types import utcnow
from tests.conftest import DEFAULT_PASSWORD, csrf_token_of
from tests.oidc.rp import ISSUER, query_of


def _age_sessions(db, user, seconds: int) -> None:
    """Pretend the person signed in `seconds` ago."""
    then = utcnow() - timedelta(seconds=seconds)
    db.session.execute(
        sa.update(AuthSession)
        .where(AuthSession.user_id == user.id)
        .values(created_at=then, last_seen_at=utcnow())
    )
    db.session.commit()


def _sign_in_at(rp, attempt, user):
    """Fill in the sign-in form the browser was sent to, then follow back to the service."""
    location = rp.sign_in_location(attempt)
    assert location, (
        f"not sent to sign in: {attempt.response.status_code} {attempt.response.headers}"
    )
    page = rp.browser.get(location)
    assert page.status_code == 200
    response = rp.browser.post(
        location,
        data={
            "csrf_token": csrf_token_of(page.get_data(as_text=True)),
            "login": user.username,
            "password": DEFAULT_PASSWORD,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return rp.follow(attempt, response)


# oidcc-prompt-login -------------------------------------------------------------------------------


def test_prompt_login_forces_a_new_sign_in_with_a_later_auth_time(rp, db, user):
    first = rp.sign_in_and_get_tokens()
    _age_sessions(db, user, 5)
    before = rp.sign_in_and_get_tokens()["claims"]["auth_time"]

    attempt = rp.authorize(prompt="login")

    assert rp.sign_in_location(attempt), "prompt=login must show the sign-in page"
    assert "reauth=1" in attempt.response.headers["Location"]
    attempt = _sign_in_at(rp, attempt, user)
    response = rp.exchange(attempt)
    claims = rp.id_token_claims(response.get_json()["id_token"], nonce=attempt.params["nonce"])
    assert claims["auth_time"] > before
    assert claims["sub"] == first["claims"]["sub"]


def test_after_the_fresh_sign_in_the_same_service_session_goes_on(rp, db, user):
    """Signing in again in the same browser keeps the session id given to services."""
    sid = rp.sign_in_and_get_tokens()["claims"]["sid"]

    attempt = _sign_in_at(rp, rp.authorize(prompt="login"), user)
    claims = rp.id_token_claims(rp.exchange(attempt).get_json()["id_token"])

    assert claims["sid"] == sid
    open_sessions = db.session.scalars(
        sa.select(AuthSession).where(AuthSession.user_id == user.id, AuthSession.ended_at.is_(None))
    ).all()
    assert len(open_sessions) == 1


def test_the_sign_in_mark_counts_only_for_a_sign_in_made_after_it(rp):
    attempt = rp.authorize(prompt="login")
    back_to = query_of(attempt.response.headers["Location"])["next"]
    assert query_of(back_to)["isc_login"]

    # Coming back without signing in again (the session predates the mark): asked again.
    replay = rp.browser.get(back_to)

    assert urlsplit(replay.headers["Location"]).path == "/connexion"


def test_a_forged_sign_in_mark_is_ignored(rp):
    attempt = rp.authorize(prompt="login")
    back_to = query_of(attempt.response.headers["Location"])["next"]

    forged = rp.browser.get(back_to.replace("isc_login=", "isc_login=x"))

    assert urlsplit(forged.headers["Location"]).path == "/connexion"


# oidcc-prompt-none-not-logged-in / oidcc-prompt-none-logged-in ------------------------------------


def test_prompt_none_without_a_session_returns_login_required(make_rp, service):
    rp = make_rp(service)  # nobody signed in

    attempt = rp.authorize(prompt="none")

    assert attempt.result["error"] == "login_required"
    assert attempt.result["state"] == attempt.params["state"]
    assert attempt.result["iss"] == ISSUER


def test_prompt_none_with_a_session_succeeds_silently_with_the_same_subject(rp):
    first = rp.sign_in_and_get_tokens()

    second = rp.sign_in_and_get_tokens(prompt="none")

    assert second["claims"]["sub"] == first["claims"]["sub"]


def test_prompt_none_with_another_value_is_an_invalid_request(rp):
    attempt = rp.authorize(prompt="none login")

    assert attempt.result["error"] == "invalid_request"


def test_without_a_session_the_person_signs_in_then_comes_back(make_rp, service, user, browser):
    rp = make_rp(service, browser)

    attempt = rp.authorize()
    assert rp.sign_in_location(attempt)
    attempt = _sign_in_at(rp, attempt, user)

    assert "code" in attempt.result
    assert rp.exchange(attempt).status_code == 200


# oidcc-max-age-1 / oidcc-max-age-10000 ------------------------------------------------------------


def test_max_age_exceeded_forces_a_new_sign_in(rp, db, user):
    rp.sign_in_and_get_tokens()
    _age_sessions(db, user, 2)

    attempt = rp.authorize(max_age="1")

    assert rp.sign_in_location(attempt)
    attempt = _sign_in_at(rp, attempt, user)
    claims = rp.id_token_claims(rp.exchange(attempt).get_json()["id_token"])
    assert claims["auth_time"] >= int(utcnow().timestamp()) - 5


def test_max_age_not_exceeded_does_not_ask_again(rp, db, user):
    rp.sign_in_and_get_tokens()
    _age_sessions(db, user, 2)

    tokens = rp.sign_in_and_get_tokens(max_age="10000")

    assert "auth_time" in tokens["claims"]


def test_max_age_exceeded_with_prompt_none_returns_login_required(rp, db, user):
    rp.sign_in_and_get_tokens()
    _age_sessions(db, user, 2)

    assert rp.authorize(max_age="1", prompt="none").result["error"] == "login_required"


def test_malformed_max_age_is_an_invalid_request(rp):
    assert rp.authorize(max_age="soon").result["error"] == "invalid_request"


# oidcc-id-token-hint ------------------------------------------------------------------------------


def test_id_token_hint_with_prompt_none_succeeds_silently(rp):
    first = rp.sign_in_and_get_tokens()

    second = rp.sign_in_and_get_tokens(prompt="none", id_token_hint=first["id_token"])

    assert second["claims"]["sub"] == first["claims"]["sub"]


def test_id_token_hint_of_someone_else_with_prompt_none_returns_login_required(
    rp, make_rp, make_user, signed_in, service
):
    other = make_rp(service, signed_in(make_user()))
    hint = other.sign_in_and_get_tokens()["id_token"]

    assert rp.authorize(prompt="none", id_token_hint=hint).result["error"] == "login_required"


def test_tampered_id_token_hint_is_an_invalid_request(rp):
    token = rp.sign_in_and_get_tokens()["id_token"]
    header, payload, signature = token.split(".")
    tampered = ".".join(
        [header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")]
    )

    assert rp.authorize(prompt="none", id_token_hint=tampered).result["error"] == "invalid_request"


def test_alg_none_id_token_hint_is_an_invalid_request(rp):
    import base64
    import json

    claims = rp.sign_in_and_get_tokens()["claims"]

    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    assert rp.authorize(prompt="none", id_token_hint=unsigned).result["error"] == "invalid_request"


# login_hint ---------------------------------------------------------------------------------------


def test_login_hint_prefills_the_sign_in_form(rp):
    attempt = rp.authorize(prompt="login", login_hint="camille.martin")

    page = rp.browser.get(rp.sign_in_location(attempt))

    assert 'value="camille.martin"' in page.get_data(as_text=True)


def test_a_hostile_login_hint_is_escaped_or_dropped(rp):
    attempt = rp.authorize(prompt="login", login_hint='"><script>alert(1)</script>')
    page = rp.browser.get(rp.sign_in_location(attempt)).get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert page.count('name="login"') == 1
