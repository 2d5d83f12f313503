"""Background jobs: the RQ queue, its failed jobs and their requeueing (with REDIS_URL only;
without it, jobs run inline and there is nothing to show)."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from isc.forms import Form
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from isc import audit
from isc.admin.access import ADMIN_ROLES, SecureBaseView, may, require
from isc.extensions import db
from isc.jobs import queue, redis_connection

FAILED_SHOWN = 100


class RequeueForm(Form):
    """The requeue button: a CSRF token only."""


class JobsView(SecureBaseView):
    @expose("/")
    def index(self):
        if redis_connection() is None:
            return self.render("admin/isc/jobs.html", inline=True)
        q = queue()
        failed = FailedJobRegistry(queue=q)
        ids = failed.get_job_ids(0, FAILED_SHOWN - 1)
        jobs = [job for job in Job.fetch_many(ids, connection=q.connection) if job is not None]
        rows = []
        for job in jobs:
            result = job.latest_result()
            error = (result.exc_string or "").strip().splitlines()[-1:] if result is not None and result.exc_string else []
            rows.append({"id": job.id, "function": job.func_name, "args": job.args, "enqueued_at": job.enqueued_at,
                         "ended_at": job.ended_at, "error": error[0] if error else ""})
        return self.render(
            "admin/isc/jobs.html", inline=False, queue_name=q.name, queued=q.count, failed_count=failed.count,
            started=StartedJobRegistry(queue=q).count, scheduled=ScheduledJobRegistry(queue=q).count, rows=rows,
            form=RequeueForm(), can_requeue=may(*ADMIN_ROLES),
        )

    @expose("/relancer", methods=["POST"])
    def requeue(self):
        agent = require(*ADMIN_ROLES)
        if redis_connection() is None or not RequeueForm().validate_on_submit():
            abort(400)
        job_id = request.form.get("job_id", "")[:100]
        registry = FailedJobRegistry(queue=queue())
        if job_id not in registry.get_job_ids():
            flash("Cette tâche n'est plus en échec.", "warning")
        else:
            registry.requeue(job_id)
            audit.record("job.requeued", actor=agent, job_id=job_id)
            db.session.commit()
            flash("Tâche relancée.", "success")
        return redirect(url_for(".index"), 303)
