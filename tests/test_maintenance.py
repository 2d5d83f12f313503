"""Periodic jobs: `isc maintenance` runs them all once; `isc cron` schedules them on Redis."""

from datetime import timedelta

from isc.models import Registration, RegistrationStatus
from isc.models.types import utcnow


def test_maintenance_command_runs_every_periodic_job_and_purges_old_drafts(app, db):
    draft = Registration(username="vieux.brouillon", email="vieux@example.fr", first_name="Vieux",
                         last_name="Brouillon")
    db.session.add(draft)
    db.session.commit()
    old = utcnow() - timedelta(seconds=app.config["REGISTRATION_DRAFT_TTL"] + 60)
    db.session.execute(db.update(Registration).values(updated_at=old))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["isc", "maintenance"])

    assert result.exit_code == 0, result.output
    for name in ("reconcile", "purge_evidence", "purge_expired_drafts", "purge_expired"):
        assert f"{name}:" in result.output
    assert "purge_expired_drafts: 1" in result.output
    db.session.expire_all()
    purged = db.session.get(Registration, draft.id)
    assert purged.status == RegistrationStatus.EXPIRED
    assert purged.email is None and purged.username is None


def test_cron_command_without_redis_says_what_to_run_instead(app_config):
    from isc import create_app

    app_config["REDIS_URL"] = None
    result = create_app(app_config).test_cli_runner().invoke(args=["isc", "cron"])

    assert result.exit_code != 0
    assert "isc maintenance" in result.output
