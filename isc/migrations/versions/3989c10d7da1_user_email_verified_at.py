"""user email verified at: when the person last followed a link e-mailed to their address

Revision ID: 3989c10d7da1
Revises: e54b8d1c1b75
Create Date: 2026-12-01 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3989c10d7da1'
down_revision = 'e54b8d1c1b75'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    # Until now an address counted as proven once a password was set (from the e-mailed link).
    users = sa.table('user_account', sa.column('password_hash', sa.String),
                     sa.column('password_changed_at', sa.DateTime), sa.column('email_verified_at', sa.DateTime))
    op.execute(users.update().where(users.c.password_hash.is_not(None))
               .values(email_verified_at=users.c.password_changed_at))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
