"""Back office: accounts (disable, enable, resend the set-password link), services (secret
shown once), agents, the audit log, the outbox and the background jobs."""

import sqlalchemy as sa

from isc.models import Agent, AuditEvent, AuthSession, OutboxMessage, OutboxStatus, Service, UserStatus
from tests.conftest import csrf_token_of


def _action(client, endpoint, action, ids):
    page = client.get(f"/admin/{endpoint}/").get_data(as_text=True)
    return client.post(f"/admin/{endpoint}/action/", data={
        "csrf_token": csrf_token_of(page), "action": action, "rowid": [str(i) for i in ids],
        "url": f"/admin/{endpoint}/"})


def test_an_administrator_disables_enables_and_resends_a_link(db, console_sign_in, make_agent, make_user,
                                                              sign_in, client, outbox):
    user = make_user("salarie", email="camille@example.fr")
    sign_in(user)
    admin_client = console_sign_in(make_agent("administrator"))
    page = admin_client.get("/admin/utilisateurs/").get_data(as_text=True)
    assert "password_hash" not in page and "$argon2" not in page

    assert _action(admin_client, "utilisateurs", "disable", [user.id]).status_code == 302
    db.session.expire_all()
    assert user.status == UserStatus.DISABLED
    assert client.get("/tableau-de-bord").status_code == 302  # their session ended
    assert all(s.ended_at for s in db.session.scalars(sa.select(AuthSession).where(AuthSession.user_id == user.id)))

    _action(admin_client, "utilisateurs", "enable", [user.id])
    _action(admin_client, "utilisateurs", "resend_setup_link", [user.id])
    db.session.expire_all()
    assert user.status == UserStatus.ACTIVE
    assert outbox.last("camille@example.fr").template == "password_setup"
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.actor_type == "agent")))
    assert {"user.disabled", "user.enabled", "user.setup_link_resent"} <= actions


def test_a_new_service_shows_its_secret_once_and_stores_its_hash(db, console_sign_in, make_agent):
    client = console_sign_in(make_agent("administrator"))
    page = client.get("/admin/services/new/").get_data(as_text=True)
    response = client.post("/admin/services/new/", data={
        "csrf_token": csrf_token_of(page), "name": "Plateforme Convergence",
        "redirect_uris": "https://convergence.example.fr/callback", "auth_method": "client_secret_basic",
    })
    assert response.status_code == 200, response.get_data(as_text=True)
    service = db.session.scalar(sa.select(Service))
    html = response.get_data(as_text=True)
    secret = html.split('class="isc-secret">')[2].split("<")[0]
    assert len(secret) > 30 and secret not in (service.client_secret_hash or "")
    assert secret not in client.get(f"/admin/services/details/?id={service.id}").get_data(as_text=True)
    rotated = _action(client, "services", "rotate_secret", [service.id])
    assert rotated.status_code == 200 and "Secret renouvelé" in rotated.get_data(as_text=True)


def test_an_administrator_creates_an_agent(db, console_sign_in, make_agent):
    client = console_sign_in(make_agent("administrator"))
    page = client.get("/admin/agents/new/").get_data(as_text=True)
    response = client.post("/admin/agents/new/", data={
        "csrf_token": csrf_token_of(page), "email": "nouvel.agent@ans.example.fr", "full_name": "Nouvel Agent",
        "role": "auditor", "password": "une phrase de passe robuste"})
    assert response.status_code == 302
    agent = db.session.scalar(sa.select(Agent).where(Agent.email == "nouvel.agent@ans.example.fr"))
    assert agent.role.value == "auditor" and not agent.totp_enrolled


def test_the_audit_log_filters_by_action_and_actor(db, console_sign_in, make_agent):
    agent = make_agent("auditor")
    client = console_sign_in(agent)
    db.session.add_all([AuditEvent(action="sign_in.failure", actor_type="anonymous", actor_label="mallory"),
                        AuditEvent(action="password.changed", actor_type="user", actor_label="camille")])
    db.session.commit()
    page = client.get("/admin/journal/?search=mallory").get_data(as_text=True)
    assert "sign_in.failure" in page and "password.changed" not in page
    assert "agent.sign_in_success" in client.get("/admin/journal/").get_data(as_text=True)


def test_failed_messages_can_be_resent(db, console_sign_in, make_agent):
    message = OutboxMessage(template="password_changed", recipient="x@example.fr", subject="s", text_body="t",
                            html_body="h", status=OutboxStatus.FAILED, attempts=6)
    db.session.add(message)
    db.session.commit()
    client = console_sign_in(make_agent("administrator"))
    _action(client, "emails", "resend", [message.id])
    db.session.expire_all()
    assert message.status == OutboxStatus.PENDING and message.attempts == 0


def test_the_jobs_page_explains_inline_jobs_or_lists_failed_ones(app, console_sign_in, make_agent):
    client = console_sign_in(make_agent("administrator"))
    page = client.get("/admin/taches/").get_data(as_text=True)
    if app.extensions["isc.redis"] is None:
        assert 'id="jobs-inline"' in page
    else:
        assert 'id="failed-jobs"' in page


def fail_on_purpose(number: int) -> None:
    raise RuntimeError(f"échec volontaire {number}")


def test_a_failed_job_is_listed_and_requeued(app, db, console_sign_in, make_agent):
    import pytest

    if app.extensions["isc.redis"] is None:
        pytest.skip("RQ mode: set ISC_TEST_REDIS_URL")
    from rq import SimpleWorker

    from isc.jobs import queue

    queue().enqueue(fail_on_purpose, 7)
    SimpleWorker([queue()], connection=app.extensions["isc.redis"]).work(burst=True, with_scheduler=False)
    client = console_sign_in(make_agent("administrator"))
    page = client.get("/admin/taches/").get_data(as_text=True)
    assert "fail_on_purpose" in page and "échec volontaire 7" in page
    job_id = page.split('name="job_id" value="')[1].split('"')[0]
    response = client.post("/admin/taches/relancer", data={"csrf_token": csrf_token_of(page), "job_id": job_id})
    assert response.status_code == 303
    assert queue().count == 1
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "job.requeued")).details == {"job_id": job_id}
