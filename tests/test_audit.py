"""The audit trail: who did what to what, from where; never a password."""

import json

import pytest
import sqlalchemy as sa

from isc import accounts, agents, audit
from isc.models import AgentRole, AuditEvent
from tests.conftest import DEFAULT_PASSWORD

WRONG_PASSWORD = "not-the-password-42"


def events(db, action: str | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    query = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def test_record_stores_actor_target_action_and_details(db, make_user):
    user = make_user(username="camille.martin")
    audit.record("company.renamed", actor=user, target=user.company, old="A", new="B")
    db.session.commit()

    (event,) = events(db, "company.renamed")
    assert (event.actor_type, event.actor_id, event.actor_label) == (
        "user",
        user.id,
        "camille.martin",
    )
    assert (event.target_type, event.target_id) == ("company", user.company.id)
    assert event.details == {"old": "A", "new": "B"}
    assert event.occurred_at is not None and event.occurred_at.tzinfo is not None


def test_record_outside_a_request_is_by_the_system_with_no_ip(db):
    audit.record("purge.ran")
    db.session.commit()
    (event,) = events(db, "purge.ran")
    assert (event.actor_type, event.actor_id, event.actor_label, event.ip) == (
        "system",
        None,
        "",
        "",
    )


def test_record_in_an_anonymous_request_keeps_the_client_ip(app, db):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        audit.record("page.visited", actor_label="someone")
    db.session.commit()
    (event,) = events(db, "page.visited")
    assert (event.actor_type, event.actor_label, event.ip) == (
        "anonymous",
        "someone",
        "203.0.113.7",
    )


def test_agent_actor_is_labelled_by_email(db):
    agent = agents.create_agent(
        email="Agent@ANS.example.fr",
        full_name="Jeanne Agent",
        role=AgentRole.AUDITOR,
        password=DEFAULT_PASSWORD,
    )
    audit.record("dossier.read", actor=agent)
    db.session.commit()
    (event,) = events(db, "dossier.read")
    assert (event.actor_type, event.actor_id, event.actor_label) == (
        "agent",
        agent.id,
        "agent@ans.example.fr",
    )


def test_successful_sign_in_through_the_form_is_recorded(db, make_user, sign_in):
    user = make_user(username="camille.martin")
    sign_in(user)
    (event,) = events(db, "sign_in.success")
    assert (event.actor_type, event.actor_id, event.actor_label) == (
        "user",
        user.id,
        "camille.martin",
    )
    assert (event.target_type, event.target_id) == ("user_account", user.id)
    assert event.ip == "127.0.0.1"


def test_failed_sign_in_records_the_attempted_login(db, make_user, submit):
    user = make_user(username="camille.martin")
    response = submit("/connexion", {"login": "Camille.Martin", "password": WRONG_PASSWORD})
    assert response.status_code == 401
    (event,) = events(db, "sign_in.failure")
    assert (event.actor_type, event.actor_id, event.actor_label) == (
        "anonymous",
        None,
        "Camille.Martin",
    )
    assert (event.target_type, event.target_id) == ("user_account", user.id)
    assert event.ip == "127.0.0.1"


def test_failed_sign_in_with_an_unknown_login_is_recorded_too(db, submit):
    response = submit("/connexion", {"login": "personne@example.fr", "password": WRONG_PASSWORD})
    assert response.status_code == 401
    (event,) = events(db, "sign_in.failure")
    assert event.actor_label == "personne@example.fr"
    assert event.target_id is None


@pytest.fixture
def behind_one_proxy(app_config):
    app_config["TRUSTED_PROXIES"] = 1


def test_client_ip_comes_from_x_forwarded_for_behind_a_trusted_proxy(behind_one_proxy, db, submit):
    submit(
        "/connexion",
        {"login": "camille", "password": WRONG_PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.4"},
    )
    (event,) = events(db, "sign_in.failure")
    assert event.ip == "198.51.100.4"


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(db, submit):
    submit(
        "/connexion",
        {"login": "camille", "password": WRONG_PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.4"},
    )
    (event,) = events(db, "sign_in.failure")
    assert event.ip == "127.0.0.1"


def test_no_password_appears_in_any_audit_event(db, make_user, make_company, submit, app):
    """Drive every path that handles a password, then search the whole trail for them."""
    secrets = {
        DEFAULT_PASSWORD,
        WRONG_PASSWORD,
        "Agent-Password-2026",
        "Support-Set-2026!",
        "Created-With-2026!",
    }
    user = make_user(username="camille.martin")
    submit("/connexion", {"login": "camille.martin", "password": WRONG_PASSWORD})
    submit("/connexion", {"login": "personne", "password": WRONG_PASSWORD})
    submit("/connexion", {"login": "camille.martin", "password": DEFAULT_PASSWORD})
    agents.create_agent(
        email="agent@ans.example.fr",
        full_name="A",
        role=AgentRole.REVIEWER,
        password="Agent-Password-2026",
    )
    accounts.reset_password_by_support(user, "Support-Set-2026!")
    accounts.create_user(
        company=make_company(),
        role=user.role,
        username="dominique",
        email="d@example.fr",
        first_name="Dominique",
        last_name="Petit",
        password="Created-With-2026!",
    )
    db.session.commit()

    trail = events(db)
    assert {
        "sign_in.failure",
        "sign_in.success",
        "agent.created",
        "password.reset_by_support",
        "user.created",
    } <= {event.action for event in trail}
    for event in trail:
        stored = json.dumps(event.details) + event.actor_label
        for secret in secrets:
            assert secret not in stored, f"{event.action} stores a password"
