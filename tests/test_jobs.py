"""Background jobs start only after the transaction that asked for them commits.

The jobs below are module-level so that RQ can import them by name, as a worker would.
"""

import logging

import pytest
import sqlalchemy as sa
from flask.globals import app_ctx

from isc import audit
from isc.extensions import db as _db
from isc.jobs import enqueue, job, queue
from isc.models import AuditEvent
from tests.conftest import TEST_REDIS_URL

needs_redis = pytest.mark.skipif(
    not TEST_REDIS_URL,
    reason="RQ mode: set ISC_TEST_REDIS_URL to a Redis database the suite may flush",
)

RUNS: list[dict] = []  # what the jobs saw, for the tests to check


@pytest.fixture(autouse=True)
def forget_runs():
    RUNS.clear()
    yield
    RUNS.clear()


@job
def record_run(label: str) -> None:
    """A job that leaves an audit event, committed by its own session."""
    RUNS.append(
        {"label": label, "context": app_ctx._get_current_object(), "session": _db.session()}
    )
    audit.record("test.job_ran", label=label)
    _db.session.commit()


@job
def fail(label: str) -> None:
    RUNS.append({"label": label})
    raise RuntimeError(f"job {label} failed on purpose")


def labels_ran(db) -> list[str]:
    """Labels of the jobs that ran, as stored (so, as seen from any process)."""
    db.session.expire_all()
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "test.job_ran").order_by(AuditEvent.id)
    )
    return [event.details["label"] for event in events]


@pytest.fixture
def inline_app(app_config):
    """The test app without Redis: jobs run inline."""
    app_config["REDIS_URL"] = None


# --- In either mode (inline with SQLite alone, RQ when ISC_TEST_REDIS_URL is set) -------------


def test_job_runs_only_after_commit(db, outbox):
    enqueue(record_run, "a")
    outbox.run_jobs()
    assert labels_ran(db) == [] and RUNS == []

    db.session.commit()
    outbox.run_jobs()
    assert labels_ran(db) == ["a"]


def test_job_never_runs_after_rollback(db, outbox, make_company):
    make_company()  # some work in the transaction
    db.session.execute(sa.text("SELECT 1"))
    enqueue(record_run, "dropped")
    db.session.rollback()
    db.session.commit()  # a later commit does not revive the dropped job
    outbox.run_jobs()
    assert labels_ran(db) == []


def test_rollback_before_any_sql_still_drops_the_job(db, outbox):
    enqueue(record_run, "dropped")
    db.session.rollback()
    audit.record("test.other_work")
    db.session.commit()
    outbox.run_jobs()
    assert labels_ran(db) == []


def test_releasing_a_savepoint_does_not_start_the_jobs(db, outbox):
    db.session.execute(sa.text("SELECT 1"))
    enqueue(record_run, "outer")
    with db.session.begin_nested():
        enqueue(record_run, "inner")
    outbox.run_jobs()
    assert RUNS == []

    db.session.commit()
    outbox.run_jobs()
    assert labels_ran(db) == ["outer", "inner"]


def test_rolling_back_a_savepoint_drops_only_the_jobs_enqueued_inside_it(db, outbox):
    db.session.execute(sa.text("SELECT 1"))
    enqueue(record_run, "before")
    savepoint = db.session.begin_nested()
    enqueue(record_run, "inside")
    savepoint.rollback()
    enqueue(record_run, "after")
    db.session.commit()
    outbox.run_jobs()
    assert labels_ran(db) == ["before", "after"]


def test_each_commit_starts_only_its_own_jobs(db, outbox):
    enqueue(record_run, "first")
    db.session.commit()
    outbox.run_jobs()
    db.session.commit()
    outbox.run_jobs()
    assert labels_ran(db) == ["first"]


def test_job_runs_in_an_application_context_and_session_of_its_own(app, db, outbox):
    test_context, test_session = app_ctx._get_current_object(), db.session()
    enqueue(record_run, "a")
    db.session.commit()
    outbox.run_jobs()
    (run,) = RUNS
    assert run["context"] is not test_context
    assert run["context"].app is app
    assert run["session"] is not test_session


# --- Inline mode (no REDIS_URL) ---------------------------------------------------------------


def test_without_redis_jobs_run_inline_at_commit(inline_app, app, db):
    assert app.extensions["isc.redis"] is None
    enqueue(record_run, "inline")
    assert RUNS == []
    db.session.commit()  # no worker: the commit itself ran the job
    assert labels_ran(db) == ["inline"]


def test_a_failing_inline_job_is_logged_and_does_not_break_the_commit(inline_app, app, db, caplog):
    enqueue(fail, "x")
    enqueue(record_run, "next")
    with caplog.at_level(logging.ERROR, logger="isc.jobs"):
        db.session.commit()
    assert [run["label"] for run in RUNS] == ["x", "next"]
    assert labels_ran(db) == ["next"]
    assert any(
        "Inline job fail" in record.getMessage() and record.exc_info for record in caplog.records
    )


# --- RQ mode (REDIS_URL set) ------------------------------------------------------------------


@needs_redis
def test_with_redis_the_job_lands_in_the_queue_and_a_worker_runs_it(app, db, outbox):
    enqueue(record_run, "queued")
    assert queue().count == 0
    db.session.commit()
    assert queue().count == 1
    assert RUNS == []  # nothing ran inside the committing process

    (queued,) = queue().jobs
    assert queued.func_name == "tests.test_jobs.record_run"
    assert queued.args == ("queued",)

    outbox.run_jobs()
    assert queue().count == 0
    assert labels_ran(db) == ["queued"]


@needs_redis
def test_with_redis_retries_are_configured_from_the_enqueue_call(app, db):
    enqueue(record_run, "retried", retries=(5, 60))
    enqueue(record_run, "once")
    db.session.commit()
    retried, once = queue().jobs
    assert retried.retries_left == 2
    assert retried.retry_intervals == [5, 60]
    assert once.retries_left is None


@needs_redis
def test_with_redis_a_failing_job_is_scheduled_for_its_retry(app, db, outbox):
    from rq.registry import ScheduledJobRegistry

    enqueue(fail, "x", retries=(30,))
    db.session.commit()
    outbox.run_jobs()
    (job_id,) = ScheduledJobRegistry(queue=queue()).get_job_ids()
    retried = queue().fetch_job(job_id)
    assert retried.retries_left == 0
    assert [run["label"] for run in RUNS] == ["x"]


