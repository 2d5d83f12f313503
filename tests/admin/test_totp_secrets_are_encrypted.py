"""Agents' TOTP secrets are stored encrypted, sealed for their agent: the database never holds
them in clear, and a sealed value that does not open (another agent's, another kind of secret,
another SECRET_KEY) refuses the code cleanly, in French, while recovery codes still work."""

import base64

import pyotp
import pytest
import sqlalchemy as sa

from isc import agent_auth, oidc_keys, secret_box
from isc.models import AuditEvent
from tests.admin.conftest import location_path
from tests.conftest import DEFAULT_PASSWORD, csrf_token_of


def _stored(db, agent) -> str:
    return db.session.scalar(sa.text("SELECT totp_secret_encrypted FROM agent WHERE id = :id"), {"id": agent.id})


def _sign_in_with_code(app, agent, code):
    client = app.test_client()
    page = client.get("/admin/connexion")
    response = client.post("/admin/connexion", data={
        "csrf_token": csrf_token_of(page.get_data(as_text=True)), "email": agent.email, "password": DEFAULT_PASSWORD,
    })
    assert location_path(response) == "/admin/connexion/code"
    page = client.get("/admin/connexion/code")
    return client.post("/admin/connexion/code", data={
        "csrf_token": csrf_token_of(page.get_data(as_text=True)), "code": code})


def test_the_database_never_holds_the_clear_secret(db, make_agent):
    agent = make_agent("reviewer")
    secret = agent_auth.totp_secret(agent)

    stored = _stored(db, agent)
    assert secret_box.is_sealed(stored)
    assert secret not in stored
    assert base64.b32encode(base64.b32decode(secret)) not in base64.urlsafe_b64decode(stored[3:])
    assert len(secret) == 32 and len(stored) <= 200


def test_each_encryption_of_a_secret_differs(db, make_agent):
    agent = make_agent("reviewer", enrolled=False)
    agent_auth.store_totp_secret(agent, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    first = agent.totp_secret_encrypted
    agent_auth.store_totp_secret(agent, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert first != agent.totp_secret_encrypted  # a fresh nonce each time


def test_a_secret_copied_from_another_agent_does_not_open(app, db, make_agent):
    mine, victim = make_agent("reviewer"), make_agent("administrator")
    known = agent_auth.totp_secret(mine)
    victim.totp_secret_encrypted = mine.totp_secret_encrypted  # someone with write access to the table
    db.session.commit()

    response = _sign_in_with_code(app, victim, pyotp.TOTP(known).now())

    assert response.status_code == 401
    assert "code de secours" in response.get_data(as_text=True)
    with pytest.raises(agent_auth.TotpSecretUnreadable):
        agent_auth.totp_secret(victim)


def test_a_signing_key_and_a_totp_secret_never_open_as_each_other(app, db, make_agent):
    agent = make_agent("reviewer")
    agent.totp_secret_encrypted = oidc_keys._encrypt('{"kty": "EC", "d": "..."}', str(agent.id))
    db.session.commit()
    with pytest.raises(agent_auth.TotpSecretUnreadable):
        agent_auth.totp_secret(agent)
    sealed = secret_box.encrypt("JBSWY3DPEHPK3PXP", f"agent-totp:{agent.id}")
    with pytest.raises(oidc_keys.KeyUnreadable):
        oidc_keys._decrypt(sealed, str(agent.id))


def test_after_a_change_of_secret_key_the_code_is_refused_cleanly_and_a_recovery_code_works(app, db, make_agent):
    agent = make_agent("administrator")
    code = pyotp.TOTP(agent_auth.totp_secret(agent)).now()
    recovery = agent_auth.regenerate_recovery_codes(agent)
    db.session.commit()
    app.config["SECRET_KEY"] = "another-secret-key-after-a-rotation"

    refused = _sign_in_with_code(app, agent, code)
    assert refused.status_code == 401
    page = refused.get_data(as_text=True)
    assert "ne peut plus être vérifiée" in page and "administrateur" in page
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "agent.totp_secret_unreadable"))

    assert _sign_in_with_code(app, agent, recovery[0]).status_code == 303


def test_secret_box_refuses_altered_and_foreign_values(app):
    sealed = secret_box.encrypt("secret", "agent-totp:1")
    assert secret_box.decrypt(sealed, "agent-totp:1") == "secret"
    for token, purpose, secret in [
        (sealed, "agent-totp:2", None),
        (sealed, "agent-totp:1", "another secret"),
        (sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"), "agent-totp:1", None),
        ("JBSWY3DPEHPK3PXP", "agent-totp:1", None),
        ("v1.not base64!", "agent-totp:1", None),
        ("v1.", "agent-totp:1", None),
    ]:
        with pytest.raises(secret_box.Undecryptable):
            secret_box.decrypt(token, purpose, secret=secret)
