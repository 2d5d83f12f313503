"""Development tools (DEV_TOOLS, never in production): the development mailbox."""

import sqlalchemy as sa
from flask import Blueprint, Flask, abort, render_template

from isc.extensions import db
from isc.models import OutboxMessage

blueprint = Blueprint("devtools", __name__, url_prefix="/dev")


def init_app(app: Flask) -> None:
    if app.config["DEV_TOOLS"]:
        app.register_blueprint(blueprint)


@blueprint.route("/mailbox")
@blueprint.route("/mailbox/<int:message_id>")
def mailbox(message_id: int | None = None):
    """Every message of the outbox, newest first, so links can be followed without SMTP."""
    messages = db.session.scalars(
        sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)
    ).all()
    selected = None
    if message_id is not None:
        selected = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template("devtools/mailbox.html", messages=messages, selected=selected)
