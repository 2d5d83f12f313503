"""E-mail goes through the outbox: written with the transaction, delivered by a job, never lost.

A real SMTP server (aiosmtpd on loopback) receives the messages; it can be stopped to play an
outage. Jobs run inline without Redis, or in RQ (drained by `outbox.run_jobs()`) with it.
"""

import logging

import pytest
from rq.registry import ScheduledJobRegistry

from isc import emails
from isc.jobs import queue
from isc.models import OutboxMessage, OutboxStatus
from tests.conftest import TEST_REDIS_URL

needs_redis = pytest.mark.skipif(
    not TEST_REDIS_URL,
    reason="RQ mode: set ISC_TEST_REDIS_URL to a Redis database the suite may flush",
)


@pytest.fixture
def app_config(app_config, smtp_server):
    """Every app of this module sends to the SMTP stand-in."""
    app_config.update(smtp_server.settings)
    return app_config


@pytest.fixture
def no_mail_server(app_config):
    app_config["MAIL_SERVER"] = None


@pytest.fixture
def one_attempt(app_config):
    app_config["MAIL_MAX_ATTEMPTS"] = 1


@pytest.fixture
def user(make_user):
    return make_user(
        username="camille.martin",
        email="camille.martin@example.fr",
        first_name="Camille",
        last_name="Martin",
    )


def send_password_changed(db, user) -> OutboxMessage:
    message = emails.send("password_changed", user.email, user=user)
    db.session.commit()
    return message


def scheduled_retries(app) -> list[str]:
    if app.extensions["isc.redis"] is None:
        return []
    return ScheduledJobRegistry(queue=queue()).get_job_ids()


def test_message_is_delivered_over_smtp_once_the_transaction_commits(
    app, db, outbox, smtp_server, user
):
    emails.send("password_changed", user.email, user=user)
    assert smtp_server.received == []  # nothing leaves before the commit
    db.session.commit()
    outbox.run_jobs()

    (received,) = smtp_server.received
    stored = outbox.last(user.email)
    assert received["To"] == "camille.martin@example.fr"
    assert received["Subject"] == stored.subject
    assert (
        stored.subject == "Le mot de passe de votre compte Industriels Santé Connect a été modifié"
    )
    assert "ne-pas-repondre@isc.esante.gouv.fr" in received["From"]
    text_part = received.get_body(preferencelist=("plain",))
    html_part = received.get_body(preferencelist=("html",))
    assert (text_part.get_content_type(), html_part.get_content_type()) == (
        "text/plain",
        "text/html",
    )
    text, html = text_part.get_content(), html_part.get_content()
    assert "Bonjour Camille Martin" in text and "camille.martin" in text
    assert not text.startswith("Objet")  # the subject line is not repeated in the body
    assert "<html" in html.lower() and "Camille" in html
    assert "http://localhost/mot-de-passe/oublie" in text  # links use BASE_URL

    assert stored.status == OutboxStatus.SENT
    assert stored.attempts == 1
    assert stored.sent_at is not None and stored.last_error is None


def test_without_a_mail_server_the_message_waits_in_the_outbox(
    no_mail_server, app, db, outbox, user
):
    send_password_changed(db, user)
    outbox.run_jobs()
    stored = outbox.last(user.email)
    assert stored.status == OutboxStatus.PENDING
    assert stored.attempts == 0
    if app.extensions["isc.redis"] is not None:
        assert queue().count == 0  # no delivery job either


def test_a_rolled_back_transaction_sends_no_message(app, db, outbox, smtp_server, user):
    emails.send("password_changed", user.email, user=user)
    db.session.rollback()
    outbox.run_jobs()
    assert outbox.messages() == []
    assert smtp_server.received == []


def test_smtp_outage_loses_nothing_and_outbox_send_delivers_later(
    app, db, outbox, smtp_server, user, caplog
):
    smtp_server.stop()
    with caplog.at_level(logging.WARNING):
        send_password_changed(db, user)  # inline mode: the delivery error is logged, not raised
        outbox.run_jobs()
    stored = outbox.last(user.email)
    assert stored.status == OutboxStatus.PENDING
    assert stored.attempts == 1
    assert "ConnectionRefusedError" in stored.last_error
    assert any("Delivery of message" in record.getMessage() for record in caplog.records)

    smtp_server.start()
    result = app.test_cli_runner().invoke(args=["isc", "outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "1 message(s) handed to delivery." in result.output
    outbox.run_jobs()

    assert len(smtp_server.received) == 1
    stored = outbox.last(user.email)
    assert stored.status == OutboxStatus.SENT
    assert stored.attempts == 2

    again = app.test_cli_runner().invoke(args=["isc", "outbox", "send"])
    assert "0 message(s) handed to delivery." in again.output
    outbox.run_jobs()
    assert len(smtp_server.received) == 1


def test_exhausted_attempts_mark_the_message_failed_until_it_is_resent(
    one_attempt, app, db, outbox, smtp_server, user
):
    smtp_server.stop()
    send_password_changed(db, user)
    outbox.run_jobs()
    stored = outbox.last(user.email)
    assert stored.status == OutboxStatus.FAILED
    assert stored.attempts == 1
    assert scheduled_retries(app) == []  # given up: no retry waits in the queue

    smtp_server.start()
    app.test_cli_runner().invoke(args=["isc", "outbox", "send"])  # only pending messages
    outbox.run_jobs()
    assert smtp_server.received == []

    emails.resend(stored)
    db.session.commit()
    outbox.run_jobs()
    stored = outbox.last(user.email)
    assert stored.status == OutboxStatus.SENT
    assert stored.attempts == 1
    assert len(smtp_server.received) == 1


def test_delivering_an_already_sent_message_again_sends_nothing(app, db, outbox, smtp_server, user):
    message_id = send_password_changed(db, user).id
    outbox.run_jobs()
    assert len(smtp_server.received) == 1

    emails.deliver(message_id)  # a duplicate delivery, as RQ may run a job twice
    assert len(smtp_server.received) == 1
    assert outbox.last(user.email).attempts == 1


def test_newline_in_the_recipient_fails_permanently_without_retry(
    app, db, outbox, smtp_server, user
):
    emails.send(
        "password_changed", "camille.martin@example.fr\nBcc: everyone@example.fr", user=user
    )
    db.session.commit()
    outbox.run_jobs()
    stored = outbox.last()
    assert stored.status == OutboxStatus.FAILED
    assert stored.attempts == 1
    assert "BadHeaderError" in stored.last_error
    assert smtp_server.received == []
    assert scheduled_retries(app) == []


def test_newline_in_the_subject_fails_permanently_without_retry(app, db, outbox, smtp_server):
    message = OutboxMessage(
        template="password_changed",
        recipient="camille.martin@example.fr",
        subject="Bonjour\nBcc: everyone@example.fr",
        text_body="Bonjour",
        html_body="<p>Bonjour</p>",
    )
    db.session.add(message)
    db.session.flush()
    emails.schedule_delivery(message)
    db.session.commit()
    outbox.run_jobs()
    stored = outbox.last()
    assert stored.status == OutboxStatus.FAILED
    assert stored.attempts == 1
    assert smtp_server.received == []
    assert scheduled_retries(app) == []


def test_outbox_send_without_a_mail_server_says_why(no_mail_server, app, db, user):
    send_password_changed(db, user)
    result = app.test_cli_runner().invoke(args=["isc", "outbox", "send"])
    assert result.exit_code == 1
    assert "MAIL_SERVER is not set" in result.output


@needs_redis
def test_delivery_is_retried_with_the_configured_backoff(app, db, user):
    send_password_changed(db, user)
    (delivery,) = queue().jobs
    assert delivery.func_name == "isc.emails.deliver"
    assert delivery.retries_left == app.config["MAIL_MAX_ATTEMPTS"] - 1 == 5
    assert delivery.retry_intervals == [30, 120, 600, 1800, 3600]


@pytest.fixture
def four_attempts_ten_seconds_apart(app_config):
    app_config.update(MAIL_MAX_ATTEMPTS=4, MAIL_RETRY_DELAYS=[10])


@needs_redis
def test_retry_waits_repeat_the_last_delay_when_attempts_outnumber_them(
    four_attempts_ten_seconds_apart, app, db, user
):
    send_password_changed(db, user)
    (delivery,) = queue().jobs
    assert delivery.retry_intervals == [10, 10, 10]


@needs_redis
def test_a_failed_delivery_waits_in_the_queue_for_its_retry(app, db, outbox, smtp_server, user):
    smtp_server.stop()
    send_password_changed(db, user)
    outbox.run_jobs()
    (retry_id,) = scheduled_retries(app)
    assert queue().fetch_job(retry_id).retries_left == 4
