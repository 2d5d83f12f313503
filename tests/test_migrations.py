"""The migrations build exactly the models' schema, constraints included.

The session fixture `database_url` builds the test database with the project's migrations
(never `create_all`), so these tests check what a deployment gets from `flask db upgrade`.
"""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError

import isc
from isc.models import IdentifierType


def test_migrated_schema_matches_the_models(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_database_is_at_the_single_head_revision(db):
    migrations = Path(isc.__file__).with_name("migrations")
    config = Config(str(migrations / "alembic.ini"))
    config.set_main_option("script_location", str(migrations))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"the migrations have diverged into several heads: {heads}"
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == heads[0]


def test_two_users_cannot_share_a_username(db, make_user):
    make_user(username="camille.martin", email="camille@example.fr")
    with pytest.raises(IntegrityError):
        make_user(username="camille.martin", email="autre@example.fr")


def test_two_users_cannot_share_an_email(db, make_user):
    make_user(username="camille.martin", email="camille@example.fr")
    with pytest.raises(IntegrityError):
        make_user(username="camille.martin2", email="camille@example.fr")


def test_two_agents_cannot_share_an_email(db):
    from isc.models import Agent, AgentRole

    db.session.add(
        Agent(
            email="agent@ans.example.fr", full_name="A", role=AgentRole.REVIEWER, password_hash=""
        )
    )
    db.session.commit()
    db.session.add(
        Agent(email="agent@ans.example.fr", full_name="B", role=AgentRole.AUDITOR, password_hash="")
    )
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_two_companies_cannot_share_an_identifier(db, make_company):
    make_company(identifier_type=IdentifierType.SIREN, identifier_value="842915308")
    with pytest.raises(IntegrityError):
        make_company(identifier_type=IdentifierType.SIREN, identifier_value="842915308")


def test_the_same_identifier_value_may_exist_under_another_type(db, make_company):
    make_company(identifier_type=IdentifierType.SIREN, identifier_value="842915308")
    make_company(identifier_type=IdentifierType.FOREIGN, identifier_value="842915308")


def test_enum_columns_refuse_unknown_values(db, make_company):
    """The CHECK constraints of enum columns are created by the migrations too."""
    import sqlalchemy as sa

    company = make_company()
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.text("UPDATE company SET status = 'bogus' WHERE id = :id"), {"id": company.id}
        )


def test_the_search_text_of_existing_accounts_is_filled_by_its_migration(app, db, make_user):
    """Downgrade below the search text, add an account the old way, upgrade: it is searchable."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from isc.models import User

    user = make_user("salarie", first_name="Émilie", last_name="Château", username="e.chateau",
                     email="e.chateau@example.fr")
    db.session.commit()
    user_id = user.id
    db.session.close()
    downgrade(revision="2164ea708a48")
    try:
        assert "search_text" not in {c["name"] for c in sa.inspect(db.engine).get_columns("user_account")}
    finally:
        upgrade()
    assert db.session.get(User, user_id).search_text == "chateau emilie e.chateau@example.fr e.chateau"
