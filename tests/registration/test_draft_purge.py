"""Drafts left unfinished past REGISTRATION_DRAFT_TTL are expired: personal data and the Kbis
file erased, the row kept for the audit; anything more recent or further along is untouched."""

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from isc.models.registration import KbisDocument, Registration, RegistrationStatus
from isc.models.types import utcnow
from isc.registration import purge_expired_drafts
from tests.portal.pages import location_path
from tests.registration.conftest import COMPANY, PERSONAL


def age(db, registration_id: int, seconds: int) -> None:
    """Pretend the draft was last touched `seconds` ago (bypassing `onupdate`)."""
    db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration_id)
        .values(updated_at=utcnow() - timedelta(seconds=seconds))
    )
    db.session.commit()


def test_expired_draft_loses_its_personal_data_and_kbis_file(
    journey, make_journey, kbis_for, app, db
):
    journey.personal()
    journey.upload(kbis_for())
    registration = journey.registration()
    path = Path(app.config["KBIS_UPLOAD_FOLDER"]) / registration.kbis.stored_name
    assert path.exists()
    recent = make_journey()
    recent.personal(username="autre.personne", email="autre@example.fr")
    ttl = app.config["REGISTRATION_DRAFT_TTL"]
    age(db, registration.id, ttl + 60)

    assert purge_expired_drafts() == 1

    db.session.rollback()
    purged = db.session.get(Registration, registration.id)
    assert purged.status == RegistrationStatus.EXPIRED
    assert (purged.username, purged.first_name, purged.last_name, purged.email, purged.phone) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert purged.kbis is None and not path.exists()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KbisDocument)) == 0
    assert recent.registration().status == RegistrationStatus.DRAFT
    # The browser that held it starts over; its username is free again.
    assert location_path(journey.get(COMPANY)) == PERSONAL
    assert journey.personal().status_code == 303


def test_a_draft_past_its_time_is_no_longer_usable_even_before_the_purge(journey, app, db):
    journey.personal()
    age(db, journey.registration().id, app.config["REGISTRATION_DRAFT_TTL"] + 60)

    assert location_path(journey.get(COMPANY)) == PERSONAL


def test_registrations_past_the_draft_stage_are_not_purged(make_registration, app, db):
    waiting = make_registration("identity_check")
    in_review = make_registration("in_review")
    for registration in (waiting, in_review):
        age(db, registration.id, app.config["REGISTRATION_DRAFT_TTL"] * 2)

    assert purge_expired_drafts() == 0

    db.session.rollback()
    assert db.session.get(Registration, waiting.id).first_name == "Pierre"
    assert db.session.get(Registration, in_review.id).status == RegistrationStatus.IN_REVIEW
