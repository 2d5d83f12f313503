"""E-mail: every message is written to the outbox, then delivered by a job.

`send()` renders `templates/mail/<template>.txt` and `.html` (the first line of the text
template, `Objet : ...`, is the subject), stores the message and enqueues its delivery. Delivery
is retried with backoff; a message whose attempts are exhausted is marked failed and can be
resent. Without MAIL_SERVER the message waits in the outbox (and in the development mailbox).
"""

import logging
import smtplib

from flask import current_app, render_template
from flask_mail import BadHeaderError, Message

from isc.extensions import db, mail
from isc.jobs import enqueue, job
from isc.models import OutboxMessage, OutboxStatus
from isc.models.types import utcnow

log = logging.getLogger(__name__)

SUBJECT_PREFIX = "Objet : "


def send(template: str, recipient: str, **context) -> OutboxMessage:
    """Write the message to the outbox and deliver it once the transaction commits."""
    context.setdefault("support_email", current_app.config["SUPPORT_EMAIL"])
    text = render_template(f"mail/{template}.txt", **context)
    first_line, _, body = text.partition("\n")
    if not first_line.startswith(SUBJECT_PREFIX):
        raise ValueError(f"mail/{template}.txt must start with '{SUBJECT_PREFIX}...'")
    message = OutboxMessage(
        template=template,
        recipient=recipient,
        subject=first_line.removeprefix(SUBJECT_PREFIX).strip(),
        text_body=body.lstrip("\n"),
        html_body=render_template(f"mail/{template}.html", **context),
    )
    db.session.add(message)
    db.session.flush()
    schedule_delivery(message)
    return message


def schedule_delivery(message: OutboxMessage) -> None:
    """Enqueue the delivery of a stored message, if an SMTP server is configured."""
    if current_app.config.get("MAIL_SERVER"):
        enqueue(deliver, message.id, retries=tuple(_retry_delays()))


def resend(message: OutboxMessage) -> None:
    """Give a failed (or waiting) message a fresh set of delivery attempts."""
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    schedule_delivery(message)


def pending_messages() -> list[OutboxMessage]:
    return db.session.scalars(
        db.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.id)
    ).all()


def _retry_delays() -> list[int]:
    config = current_app.config
    delays = list(config["MAIL_RETRY_DELAYS"]) or [60]
    wanted = max(config["MAIL_MAX_ATTEMPTS"] - 1, 0)
    return (delays + [delays[-1]] * wanted)[:wanted]


class DeliveryError(Exception):
    """The SMTP server could not take the message; the job is retried."""


@job
def deliver(message_id: int) -> None:
    """Hand one outbox message to the SMTP server; idempotent once the message is sent."""
    message = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None or message.status == OutboxStatus.SENT:
        return
    message.attempts += 1
    message.last_attempt_at = utcnow()
    outgoing = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.text_body,
        html=message.html_body,
    )
    try:
        if outgoing.has_bad_headers():  # header injection: no server will ever take it
            raise BadHeaderError("a header contains a line break")
        mail.send(outgoing)
    except (smtplib.SMTPException, OSError, BadHeaderError) as error:
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        exhausted = (
            isinstance(error, BadHeaderError)
            or message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
        )
        message.status = OutboxStatus.FAILED if exhausted else OutboxStatus.PENDING
        db.session.commit()
        log.warning("Delivery of message %s failed (attempt %s): %s",
                    message_id, message.attempts, message.last_error)
        if not exhausted:
            raise DeliveryError(message.last_error) from error
        return
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
