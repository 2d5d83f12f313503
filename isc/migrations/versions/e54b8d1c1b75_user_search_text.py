"""user search text: names, e-mail and username without case or accents, for the collaborators'
search

Revision ID: e54b8d1c1b75
Revises: 2164ea708a48
Create Date: 2026-12-01 18:45:55.964324

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e54b8d1c1b75'
down_revision = '2164ea708a48'
branch_labels = None
depends_on = None


def _search_key(*parts):
    # A copy of isc.models.user.search_key as it was: a migration must not change with the code.
    text = unicodedata.normalize("NFKD", " ".join(part or "" for part in parts))
    return "".join(char for char in text if not unicodedata.combining(char)).casefold()


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.String(length=600), nullable=False, server_default=''))
    users = sa.table('user_account', sa.column('id', sa.Integer), sa.column('first_name', sa.String),
                     sa.column('last_name', sa.String), sa.column('email', sa.String),
                     sa.column('username', sa.String), sa.column('search_text', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.last_name, users.c.first_name, users.c.email,
                                        users.c.username)).all()
    for row in rows:
        connection.execute(users.update().where(users.c.id == row.id).values(
            search_text=_search_key(row.last_name, row.first_name, row.email, row.username)))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('search_text', server_default=None)  # the application fills it


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('search_text')
