"""Housekeeping: what can no longer be used is deleted by the daily `grants.purge_expired`."""

from datetime import timedelta

import sqlalchemy as sa

from isc import grants
from isc.models import AuthorizationCode, Token, TokenFamily
from isc.models.types import utcnow


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_purge_keeps_what_works_and_deletes_what_is_long_dead(rp, db):
    live = rp.sign_in_and_get_tokens()
    dead = rp.sign_in_and_get_tokens()
    second = db.session.scalars(sa.select(TokenFamily.id).order_by(TokenFamily.id)).all()[1]
    db.session.execute(
        sa.update(TokenFamily)
        .where(TokenFamily.id == second)
        .values(revoked_at=utcnow() - timedelta(days=2))
    )
    db.session.execute(sa.update(AuthorizationCode).values(expires_at=utcnow() - timedelta(days=2)))
    db.session.commit()

    deleted = grants.purge_expired()

    assert deleted >= 3
    assert (
        _count(db, TokenFamily) == 1
        and _count(db, Token) == 1
        and _count(db, AuthorizationCode) == 0
    )
    assert rp.refresh(live["refresh_token"]).status_code == 200
    assert rp.refresh(dead["refresh_token"]).get_json()["error"] == "invalid_grant"
