"""agent totp secret encrypted

The agents' TOTP secrets were stored in clear in agent.totp_secret; they move to
agent.totp_secret_encrypted, sealed as isc/secret_box.py does (format "v1.", AES-256-GCM, key
derived from SECRET_KEY, purpose "agent-totp:<agent id>"), so enrolled agents keep their
authenticator app. The sealing is copied here, not imported: a migration must keep doing what
it did when it was written. It needs the application's SECRET_KEY, hence no offline (--sql) mode.

Revision ID: 7bc380f1efd8
Revises: 56cadf245f8b
Create Date: 2026-12-01 18:22:06.585961

"""
import base64
import logging
import secrets

from alembic import context, op
import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


# revision identifiers, used by Alembic.
revision = '7bc380f1efd8'
down_revision = '56cadf245f8b'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')
agent = sa.table(
    'agent',
    sa.column('id', sa.Integer),
    sa.column('totp_secret', sa.String),
    sa.column('totp_secret_encrypted', sa.String),
)


def _aead():
    secret = current_app.config.get('SECRET_KEY')
    if not secret:
        raise RuntimeError('SECRET_KEY is not set: the TOTP secrets cannot be encrypted.')
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b'isc secret box v1').derive(secret.encode())
    return AESGCM(key)


def _seal(plaintext, agent_id):
    nonce = secrets.token_bytes(12)
    sealed = _aead().encrypt(nonce, plaintext.encode(), f'agent-totp:{agent_id}'.encode())
    return 'v1.' + base64.urlsafe_b64encode(nonce + sealed).decode()


def _open(token, agent_id):
    raw = base64.urlsafe_b64decode(token[3:])
    return _aead().decrypt(raw[:12], raw[12:], f'agent-totp:{agent_id}'.encode()).decode()


def _rows(column):
    if context.is_offline_mode():
        raise RuntimeError('This migration encrypts data: run it online (flask db upgrade).')
    return op.get_bind().execute(sa.select(agent.c.id, column).where(column.is_not(None))).all()


def upgrade():
    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret_encrypted', sa.String(length=200), nullable=True))

    for agent_id, secret in _rows(agent.c.totp_secret):
        op.execute(agent.update().where(agent.c.id == agent_id)
                   .values(totp_secret_encrypted=_seal(secret, agent_id)))

    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.drop_column('totp_secret')


def downgrade():
    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.VARCHAR(length=64), nullable=True))

    for agent_id, token in _rows(agent.c.totp_secret_encrypted):
        try:
            secret = _open(token, agent_id)
        except (InvalidTag, ValueError):
            log.warning('TOTP secret of agent %s unreadable (SECRET_KEY changed): '
                        'the agent will enrol again', agent_id)
            continue
        op.execute(agent.update().where(agent.c.id == agent_id).values(totp_secret=secret))

    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.drop_column('totp_secret_encrypted')
