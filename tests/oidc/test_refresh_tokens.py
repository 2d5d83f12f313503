"""Refresh tokens (RFC 9700 4.14): rotated at each use, reuse of a spent one revokes the
family, bound to their client and scope, absolute expiry."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from isc.models import AuditEvent, TokenFamily
from isc.models.types import utcnow


def test_refresh_gives_new_tokens_and_a_new_id_token(rp):
    first = rp.sign_in_and_get_tokens()

    response = rp.refresh(first["refresh_token"])

    assert response.status_code == 200, response.get_json()
    tokens = response.get_json()
    assert tokens["access_token"] != first["access_token"]
    assert tokens["refresh_token"] != first["refresh_token"]
    claims = rp.id_token_claims(tokens["id_token"])
    assert claims["sub"] == first["claims"]["sub"]
    assert claims["auth_time"] == first["claims"]["auth_time"]
    assert claims["sid"] == first["claims"]["sid"]
    assert "nonce" not in claims
    assert rp.userinfo(tokens["access_token"]).status_code == 200


def test_a_spent_refresh_token_presented_again_revokes_the_family(rp, db):
    first = rp.sign_in_and_get_tokens()
    second = rp.refresh(first["refresh_token"]).get_json()

    replay = rp.refresh(first["refresh_token"])

    assert replay.get_json()["error"] == "invalid_grant"
    assert rp.refresh(second["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert rp.userinfo(second["access_token"]).status_code == 401
    assert db.session.scalar(sa.select(TokenFamily.revoke_reason)) == "refresh_reuse"
    assert db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "oidc.refresh_token_reused")
    )


def test_other_families_survive_a_reuse(rp):
    other = rp.sign_in_and_get_tokens()
    first = rp.sign_in_and_get_tokens()
    rp.refresh(first["refresh_token"])

    rp.refresh(first["refresh_token"])

    assert rp.refresh(other["refresh_token"]).status_code == 200


def test_a_refresh_token_is_bound_to_its_client(rp, make_service, make_rp):
    tokens = rp.sign_in_and_get_tokens()
    other = make_rp(make_service())

    assert other.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert rp.refresh(tokens["refresh_token"]).status_code == 200  # not spent by the attempt


def test_refresh_may_narrow_the_scope_but_not_widen_it(rp):
    tokens = rp.sign_in_and_get_tokens(scope="openid email")

    wider = rp.refresh(tokens["refresh_token"], scope="openid email profile")
    assert wider.get_json()["error"] == "invalid_scope"

    narrower = rp.refresh(tokens["refresh_token"], scope="openid").get_json()
    assert narrower["scope"] == "openid"


def test_refresh_tokens_die_at_the_family_absolute_expiry(rp, db):
    tokens = rp.sign_in_and_get_tokens()
    family = db.session.scalar(sa.select(TokenFamily))
    assert (family.expires_at - family.created_at) == timedelta(hours=12)
    family.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert rp.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_rotation_never_extends_the_absolute_expiry(rp, db):
    tokens = rp.sign_in_and_get_tokens()
    expires = db.session.scalar(sa.select(TokenFamily.expires_at))

    for _ in range(3):
        tokens = rp.refresh(tokens["refresh_token"]).get_json()

    db.session.expire_all()
    assert db.session.scalar(sa.select(TokenFamily.expires_at)) == expires
    assert rp.introspect(tokens["refresh_token"]).get_json()["exp"] == int(expires.timestamp())


@pytest.mark.settings(OIDC_ACCESS_TOKEN_TTL=1)
def test_access_tokens_expire_and_refresh_replaces_them(rp, db):
    from isc.models import Token

    tokens = rp.sign_in_and_get_tokens()
    db.session.execute(sa.update(Token).values(access_expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    assert rp.userinfo(tokens["access_token"]).status_code == 401
    fresh = rp.refresh(tokens["refresh_token"]).get_json()
    assert fresh["expires_in"] == 1


def test_public_clients_get_rotating_refresh_tokens_too(make_service, make_rp, signed_in, user):
    rp = make_rp(make_service(public=True), signed_in(user))
    first = rp.sign_in_and_get_tokens()

    second = rp.refresh(first["refresh_token"]).get_json()

    assert second["refresh_token"] != first["refresh_token"]
    assert rp.refresh(first["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert rp.refresh(second["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_an_unknown_refresh_token_is_an_invalid_grant(rp):
    assert rp.refresh("made-up").get_json()["error"] == "invalid_grant"
