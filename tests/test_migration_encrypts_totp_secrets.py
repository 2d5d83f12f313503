"""The migration that moved the agents' TOTP secrets to encrypted storage keeps enrolled agents'
authenticator apps working: it seals the clear secrets, and its downgrade opens them again.

It runs on an SQLite database of its own: the suite's database stays at the head revision.
"""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from isc import agent_auth, create_app, secret_box
from isc.extensions import db
from isc.models import Agent

BEFORE, REVISION = "56cadf245f8b", "7bc380f1efd8"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_clear_secrets_are_encrypted_by_the_upgrade_and_restored_by_the_downgrade(app_config, tmp_path):
    app = create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'migration.sqlite3'}"})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            for email, secret in (("enrolled@ans.example.fr", SECRET), ("new@ans.example.fr", None)):
                connection.execute(sa.text(
                    "INSERT INTO agent (email, full_name, role, password_hash, totp_secret, active, created_at) "
                    "VALUES (:email, 'Agent', 'reviewer', '', :secret, 1, CURRENT_TIMESTAMP)"
                ), {"email": email, "secret": secret})

        upgrade(revision=REVISION)

        enrolled = db.session.scalar(sa.select(Agent).where(Agent.email == "enrolled@ans.example.fr"))
        assert secret_box.is_sealed(enrolled.totp_secret_encrypted)
        assert SECRET not in enrolled.totp_secret_encrypted
        assert agent_auth.totp_secret(enrolled) == SECRET
        assert db.session.scalar(sa.select(Agent).where(Agent.email == "new@ans.example.fr")).totp_secret_encrypted is None
        db.session.remove()

        downgrade(revision=BEFORE)

        with db.engine.connect() as connection:
            rows = dict(connection.execute(sa.text("SELECT email, totp_secret FROM agent")).all())
        assert rows == {"enrolled@ans.example.fr": SECRET, "new@ans.example.fr": None}
        db.engine.dispose()
