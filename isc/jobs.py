"""Background jobs: RQ queues on Redis when REDIS_URL is set, inline runs otherwise.

A service calls `enqueue(job_function, some_id)`; the job starts only once the caller's
transaction commits, so that a worker never looks for rows that are not there yet, and a
rolled-back request starts nothing. Job functions are decorated with `@job`: they take ids,
open their own application context (hence their own database session) and must be idempotent,
since RQ delivers at least once.
"""

import functools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import redis
import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from rq import Queue, Retry

from isc.extensions import db

log = logging.getLogger(__name__)

_PENDING = "isc.pending_jobs"


@dataclass(frozen=True)
class PendingJob:
    func: Callable
    args: tuple
    retries: tuple[int, ...]  # waits in seconds before each retry; empty: no retry
    timeout: int | None = None  # RQ kills the job past this many seconds (JOBS_TIMEOUT if None)
    # The innermost savepoint open when the job was enqueued: rolling it back drops the job.
    savepoint: sa.orm.SessionTransaction | None = None


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["isc.redis"] = (
        # A Redis host that drops packets must not hang requests or /healthz. (No read timeout:
        # the RQ worker blocks on its queue for minutes by design.)
        redis.Redis.from_url(url, socket_connect_timeout=3) if url else None
    )
    if not url:
        app.logger.warning(
            "REDIS_URL is not set: background jobs run inline, inside the web process."
        )


def redis_connection() -> redis.Redis | None:
    return current_app.extensions["isc.redis"]


def queue() -> Queue:
    connection = redis_connection()
    if connection is None:
        raise RuntimeError("No queue without REDIS_URL")
    return Queue(
        current_app.config["JOBS_QUEUE"],
        connection=connection,
        default_timeout=current_app.config["JOBS_TIMEOUT"],
    )


def job(func: Callable) -> Callable:
    """Mark a module-level function as a job: it runs in an application context of its own."""

    @functools.wraps(func)
    def run(*args):
        app = current_app._get_current_object() if has_app_context() else _standalone_app()
        with app.app_context():
            try:
                return func(*args)
            finally:
                db.session.remove()

    return run


@functools.cache
def _standalone_app() -> Flask:
    from isc import create_app

    return create_app()


def enqueue(func: Callable, *args, retries: tuple[int, ...] = (), timeout: int | None = None) -> None:
    """Run `func(*args)` in the background once the current transaction commits.

    `retries`: waits before each new attempt when the job raises (RQ only). `timeout`: RQ's
    hard limit for this job; an inline job that needs one must enforce it itself.
    """
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback drops the job even if no SQL ran yet
    session.info.setdefault(_PENDING, []).append(
        PendingJob(func, args, tuple(retries), timeout, session.get_nested_transaction())
    )


def _dispatch(app: Flask, pending: list[PendingJob]) -> None:
    connection = app.extensions["isc.redis"]
    for item in pending:
        if connection is not None:
            with app.app_context():
                retry = Retry(max=len(item.retries), interval=list(item.retries)) if item.retries else None
                queue().enqueue(item.func, *item.args, retry=retry, job_timeout=item.timeout)
            continue
        try:
            item.func(*item.args)  # the @job wrapper opens a fresh context and session
        except Exception:
            log.exception("Inline job %s%r failed", item.func.__name__, item.args)


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _start_jobs_after_commit(session: sa.orm.Session) -> None:
    if session.in_nested_transaction():
        return  # a released savepoint: nothing is committed until the outer transaction is
    pending = session.info.pop(_PENDING, None)
    if pending:
        app = current_app._get_current_object()
        _dispatch(app, pending)


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _drop_jobs_after_rollback(session: sa.orm.Session) -> None:
    savepoint = session.get_nested_transaction()
    if savepoint is None:
        session.info.pop(_PENDING, None)
        return
    # A savepoint rolled back: drop the jobs enqueued inside it (or inside its children).
    pending = session.info.get(_PENDING, [])
    pending[:] = [item for item in pending if not _inside(item.savepoint, savepoint)]


def _inside(
    transaction: sa.orm.SessionTransaction | None, savepoint: sa.orm.SessionTransaction
) -> bool:
    while transaction is not None:
        if transaction is savepoint:
            return True
        transaction = transaction.parent
    return False


def _forget_inherited_connections() -> None:
    """In a forked work horse, never reuse the parent's database connections."""
    if has_app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)
