"""`/healthz`: is this app server able to work (database, Redis)?"""

import sqlalchemy as sa
from flask import Blueprint, Flask

from isc.extensions import csrf, db, limiter
from isc.jobs import redis_connection

blueprint = Blueprint("health", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)


@blueprint.route("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    checks = {"database": _check(lambda: db.session.execute(sa.text("SELECT 1")))}
    connection = redis_connection()
    checks["redis"] = _check(connection.ping) if connection is not None else "not configured"
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return {"status": "ok" if healthy else "error", "checks": checks}, 200 if healthy else 503


def _check(probe) -> str:
    try:
        probe()
    except Exception as error:  # any failure of a dependency is what this page reports
        return f"error: {type(error).__name__}"
    return "ok"
