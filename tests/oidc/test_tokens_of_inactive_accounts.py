"""Tokens of a person who was disabled or deleted, or whose password changed, stop working
(RFC 9700 4.14.2): userinfo refuses them, introspection says inactive, refresh fails."""

import pytest
import sqlalchemy as sa

from isc import accounts, grants
from isc.models import TokenFamily, UserStatus
from tests.conftest import DEFAULT_PASSWORD


@pytest.mark.parametrize("status", [UserStatus.DISABLED, UserStatus.DELETED, UserStatus.PENDING])
def test_tokens_of_a_disabled_user_are_refused_even_without_revocation(rp, db, user, status):
    tokens = rp.sign_in_and_get_tokens()

    user.status = status  # as a careless caller would, without revoke_user_grants
    db.session.commit()

    assert rp.userinfo(tokens["access_token"]).status_code == 401
    assert rp.introspect(tokens["access_token"]).get_json() == {"active": False}
    assert rp.introspect(tokens["refresh_token"]).get_json() == {"active": False}
    assert rp.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_a_disabled_user_cannot_redeem_a_code_issued_before(rp, db, user):
    attempt = rp.authorize()
    user.status = UserStatus.DISABLED
    db.session.commit()

    assert rp.exchange(attempt).get_json()["error"] == "invalid_grant"


def test_disabling_revokes_every_family_for_good(rp, db, user):
    tokens = rp.sign_in_and_get_tokens()

    user.status = UserStatus.DISABLED
    grants.revoke_user_grants(user, "disabled")
    db.session.commit()
    user.status = UserStatus.ACTIVE  # re-enabled later: the old tokens stay dead
    db.session.commit()

    assert rp.userinfo(tokens["access_token"]).status_code == 401
    assert rp.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert db.session.scalar(sa.select(TokenFamily.revoke_reason)) == "disabled"


def test_a_password_change_revokes_refresh_tokens(app, rp, db, user):
    tokens = rp.sign_in_and_get_tokens()

    with app.test_request_context("/compte/mot-de-passe", method="POST"):
        accounts.change_password(
            user,
            DEFAULT_PASSWORD,
            "une toute nouvelle phrase secrète",
            "une toute nouvelle phrase secrète",
        )
        db.session.commit()

    assert rp.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"
    assert rp.userinfo(tokens["access_token"]).status_code == 401


def test_a_password_reset_by_support_revokes_refresh_tokens(rp, db, user):
    tokens = rp.sign_in_and_get_tokens()

    accounts.reset_password_by_support(user, "une toute nouvelle phrase secrète")
    db.session.commit()

    assert rp.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_a_closed_service_tokens_stop_working(rp, db, service):
    tokens = rp.sign_in_and_get_tokens()

    service.active = False
    db.session.commit()

    assert rp.userinfo(tokens["access_token"]).status_code == 401
