"""Periodic work: reconciling identity checks, erasing abandoned drafts, stale demandes and old
evidence.

With Redis, `flask isc cron` (one process per deployment) enqueues these jobs on their
schedule for the workers. Without it, run `flask isc maintenance` from the system's cron.
"""

from flask import current_app

from isc import grants, identity_checks, membership, registration

# (job, seconds between two runs)
PERIODIC_JOBS = [
    (identity_checks.reconcile, 10 * 60),
    (identity_checks.purge_evidence, 24 * 3600),
    (registration.purge_expired_drafts, 24 * 3600),
    (membership.expire_stale_demandes, 24 * 3600),
    (grants.purge_expired, 24 * 3600),
]


def run_all() -> dict[str, int]:
    """Run every periodic job once, now, in this process."""
    return {func.__name__: func() for func, _ in PERIODIC_JOBS}


def run_cron_scheduler() -> None:
    """Enqueue each periodic job on its interval, forever (RQ's cron scheduler)."""
    from rq.cron import CronScheduler

    from isc.jobs import redis_connection

    scheduler = CronScheduler(connection=redis_connection(), name="isc-cron")
    for func, interval in PERIODIC_JOBS:
        scheduler.register(func, current_app.config["JOBS_QUEUE"], interval=interval)
    scheduler.start()
