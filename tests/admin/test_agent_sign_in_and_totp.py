"""Agents sign in with a password and a second factor; an agent without TOTP enrols first."""

import re

import pyotp
import sqlalchemy as sa

from isc import agent_auth
from isc.models import AgentRecoveryCode, AuditEvent
from tests.admin.conftest import location_path
from tests.conftest import DEFAULT_PASSWORD, csrf_token_of


def _password_step(client, agent, password=DEFAULT_PASSWORD):
    page = client.get("/admin/connexion")
    return client.post("/admin/connexion", data={
        "csrf_token": csrf_token_of(page.get_data(as_text=True)), "email": agent.email, "password": password,
    })


def _code_step(client, url, code):
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token_of(page.get_data(as_text=True)), "code": code})


def test_agent_without_totp_is_sent_to_enrolment_before_anything_else(client, db, make_agent):
    agent = make_agent("reviewer", enrolled=False)

    response = _password_step(client, agent)
    assert location_path(response) == "/admin/connexion/enrolement"
    # Nothing of the console opens before the enrolment: back to the sign-in.
    for url in ("/admin/", "/admin/dossiers/", "/admin/journal/", "/admin/connexion/code"):
        answer = client.get(url)
        assert answer.status_code == 302
        assert location_path(answer) in ("/admin/connexion", "/admin/connexion/enrolement")

    page = client.get("/admin/connexion/enrolement").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    wrong = _code_step(client, "/admin/connexion/enrolement", "000000")
    assert wrong.status_code == 401
    enrolled = _code_step(client, "/admin/connexion/enrolement", pyotp.TOTP(secret).now())
    assert enrolled.status_code == 200
    codes = re.findall(r"<li>([A-Z2-9]{4}(?:-[A-Z2-9]{4}){5})</li>", enrolled.get_data(as_text=True))
    assert len(codes) == 10

    db.session.expire_all()
    assert agent_auth.totp_secret(agent) == secret
    stored_secret = db.session.scalar(sa.text("SELECT totp_secret_encrypted FROM agent WHERE id = :id"),
                                      {"id": agent.id})
    assert secret not in stored_secret  # encrypted at rest
    stored = db.session.scalars(sa.select(AgentRecoveryCode.code_hash).where(AgentRecoveryCode.agent_id == agent.id)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in stored for code in codes)  # hashed
    assert client.get("/admin/").status_code == 200
    assert "agent.totp_enrolled" in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_second_factor_is_required_and_a_code_is_accepted_once(app, db, make_agent):
    agent = make_agent("reviewer")
    first, second = app.test_client(), app.test_client()
    code = pyotp.TOTP(agent_auth.totp_secret(agent)).now()

    assert location_path(_password_step(first, agent)) == "/admin/connexion/code"
    assert first.get("/admin/").status_code == 302  # password alone opens nothing
    assert _code_step(first, "/admin/connexion/code", code).status_code == 303
    assert first.get("/admin/").status_code == 200

    _password_step(second, agent)
    replay = _code_step(second, "/admin/connexion/code", code)
    assert replay.status_code == 401
    assert "déjà utilisé" in replay.get_data(as_text=True)


def test_a_recovery_code_signs_in_once(app, db, make_agent):
    agent = make_agent("auditor")
    codes = agent_auth.regenerate_recovery_codes(agent)
    db.session.commit()
    client = app.test_client()
    _password_step(client, agent)
    assert _code_step(client, "/admin/connexion/code", codes[0].lower()).status_code == 303
    assert client.get("/admin/").status_code == 200

    again = app.test_client()
    _password_step(again, agent)
    assert _code_step(again, "/admin/connexion/code", codes[0]).status_code == 401


def test_wrong_password_is_refused_without_saying_which_part(client, make_agent):
    agent = make_agent()
    response = _password_step(client, agent, "not the password at all")
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)
    unknown = client.post("/admin/connexion", data={
        "csrf_token": csrf_token_of(client.get("/admin/connexion").get_data(as_text=True)),
        "email": "nobody@ans.example.fr", "password": DEFAULT_PASSWORD,
    })
    assert unknown.status_code == 401


def test_the_pending_password_step_expires(app, client, make_agent, monkeypatch):
    agent = make_agent()
    _password_step(client, agent)
    app.config["CONSOLE_SECOND_FACTOR_TTL"] = -1
    response = client.get("/admin/connexion/code")
    assert location_path(response) == "/admin/connexion"


def test_sign_out_ends_the_console_session(console_sign_in, make_agent):
    agent = make_agent()
    client = console_sign_in(agent)
    page = client.get("/admin/").get_data(as_text=True)
    response = client.post("/admin/deconnexion", data={"csrf_token": csrf_token_of(page)})
    assert location_path(response) == "/admin/connexion"
    assert client.get("/admin/").status_code == 302


def test_an_administrator_resets_a_lost_second_factor(console_sign_in, make_agent, db, post_form):
    admin = make_agent("administrator")
    other = make_agent("reviewer")
    other_client = console_sign_in(other)
    client = console_sign_in(admin)
    response = post_form(client, "/admin/agents/", "/admin/agents/action/",
                         {"action": "reset_totp", "rowid": str(other.id), "url": "/admin/agents/"})
    assert response.status_code == 302
    db.session.expire_all()
    assert other.totp_secret_encrypted is None
    assert other_client.get("/admin/").status_code == 302  # their session ended
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "agent.totp_reset")).actor_id == admin.id
