"""RFC 9700 4.2.4 / conformance oidcc-codereuse: a code works once; presenting it again is
refused and revokes what its first redemption issued."""

from isc.models import AuditEvent


def test_second_redemption_is_refused(rp):
    attempt = rp.authorize()
    assert rp.exchange(attempt).status_code == 200

    again = rp.exchange(attempt)

    assert again.status_code == 400
    assert again.get_json()["error"] == "invalid_grant"


def test_second_redemption_revokes_the_tokens_of_the_first(rp, db):
    attempt = rp.authorize()
    tokens = rp.exchange(attempt).get_json()
    assert rp.userinfo(tokens["access_token"]).status_code == 200

    rp.exchange(attempt)

    assert rp.userinfo(tokens["access_token"]).status_code == 401
    assert rp.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert rp.introspect(tokens["access_token"]).get_json() == {"active": False}
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "oidc.code_reused"))


def test_tokens_of_other_sign_ins_are_untouched(rp):
    kept = rp.sign_in_and_get_tokens()
    attempt = rp.authorize()
    rp.exchange(attempt)

    rp.exchange(attempt)

    assert rp.userinfo(kept["access_token"]).status_code == 200
