"""`flask isc ...`: the support, operations and development commands."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from isc.models import (
    Agent,
    AgentRole,
    AuditEvent,
    Company,
    CompanyStatus,
    IdentifierType,
    OutboxStatus,
    Role,
    User,
)
from isc.passwords import verify_password
from tests.conftest import TEST_REDIS_URL, csrf_token_of

needs_redis = pytest.mark.skipif(
    not TEST_REDIS_URL,
    reason="RQ mode: set ISC_TEST_REDIS_URL to a Redis database the suite may flush",
)

PASSWORD = "cheval agrafe pile correcte"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run(app):
    """`run("user", "create", ...)`: invoke `flask isc ...` on the test app."""

    def invoke(*args: str):
        return app.test_cli_runner().invoke(args=["isc", *args])

    return invoke


def count(db, model) -> int:
    db.session.rollback()  # a refused command leaves its flushed work behind in this session
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- Help ---------------------------------------------------------------------------------------


def test_isc_help_lists_every_command(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in ("create-agent", "demo", "outbox", "user", "worker"):
        assert command in result.output


@pytest.mark.parametrize(
    ("command", "summary"),
    [
        (["create-agent"], "Create an ANS agent"),
        (["user"], "Company users' accounts"),
        (["user", "create"], "Create an active company user"),
        (["outbox"], "The e-mail outbox"),
        (["outbox", "send"], "Deliver every message still waiting"),
        (["demo"], "Create or refresh the demo company"),
        (["worker"], "Run an RQ worker"),
    ],
)
def test_each_command_explains_itself(run, command, summary):
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert summary in result.output


# --- create-agent -------------------------------------------------------------------------------


def test_create_agent_stores_an_argon2_hash_not_the_password(run, db):
    result = run(
        "create-agent",
        "--email",
        "Jeanne.Agent@ANS.example.fr",
        "--name",
        "Jeanne Agent",
        "--role",
        "administrator",
        "--password",
        PASSWORD,
    )
    assert result.exit_code == 0, result.output
    assert "Agent jeanne.agent@ans.example.fr (administrator) created." in result.output

    agent = db.session.scalar(sa.select(Agent))
    assert agent.email == "jeanne.agent@ans.example.fr"
    assert agent.role == AgentRole.ADMINISTRATOR
    assert agent.password_hash.startswith("$argon2id$")
    assert PASSWORD not in agent.password_hash
    assert verify_password(agent.password_hash, PASSWORD)
    assert db.session.scalar(sa.select(AuditEvent.action)) == "agent.created"


def test_create_agent_refuses_a_weak_password(run, db):
    result = run(
        "create-agent",
        "--email",
        "agent@ans.example.fr",
        "--name",
        "Jeanne Agent",
        "--password",
        "court",
    )
    assert result.exit_code == 1
    assert "Le mot de passe doit contenir au moins 12 caractères." in result.output
    assert "Traceback" not in result.output
    assert count(db, Agent) == 0


def test_create_agent_refuses_a_taken_email(run, db):
    assert (
        run(
            "create-agent", "--email", "agent@ans.example.fr", "--name", "A", "--password", PASSWORD
        ).exit_code
        == 0
    )
    result = run(
        "create-agent", "--email", "AGENT@ans.example.fr", "--name", "B", "--password", PASSWORD
    )
    assert result.exit_code == 1
    assert "Un agent utilise déjà cette adresse e-mail." in result.output
    assert count(db, Agent) == 1


def test_create_agent_refuses_an_invalid_email(run, db):
    result = run(
        "create-agent", "--email", "pas-une-adresse", "--name", "A", "--password", PASSWORD
    )
    assert result.exit_code == 1
    assert "L'adresse e-mail n'est pas valide" in result.output


# --- user create --------------------------------------------------------------------------------

USER = [
    "user",
    "create",
    "--username",
    "Camille.Martin",
    "--email",
    "camille.martin@example.fr",
    "--role",
    "mandataire",
    "--first-name",
    "Camille",
    "--last-name",
    "Martin",
    "--phone",
    "01 23 45 67 89",
]


def test_user_create_creates_the_company_and_an_active_user(run, db):
    result = run(
        *USER,
        "--password",
        PASSWORD,
        "--company-identifier",
        "842 915 308",
        "--company-name",
        "LOGIPRO",
        "--company-address",
        "20 avenue Charles de Gaulle, 75008 Paris",
    )
    assert result.exit_code == 0, result.output
    assert "User camille.martin (mandataire) created in LOGIPRO (SIREN 842915308)." in result.output

    user = db.session.scalar(sa.select(User))
    assert (user.username, user.role, user.phone) == (
        "camille.martin",
        Role.MANDATAIRE,
        "+33123456789",
    )
    assert verify_password(user.password_hash, PASSWORD)
    company = user.company
    assert (company.identifier_type, company.identifier_value) == (
        IdentifierType.SIREN,
        "842915308",
    )
    assert company.status == CompanyStatus.ACTIVE
    assert company.head_office_address == "20 avenue Charles de Gaulle, 75008 Paris"


def test_user_create_joins_an_existing_company(run, db, make_company):
    company = make_company(
        identifier_type=IdentifierType.SIREN, identifier_value="842915308", name="LOGIPRO"
    )
    result = run(*USER, "--password", PASSWORD, "--company-identifier", "842915308")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User)).company_id == company.id
    assert count(db, Company) == 1


def test_user_create_refuses_an_unknown_company_without_its_name(run, db):
    result = run(*USER, "--password", PASSWORD, "--company-identifier", "842915308")
    assert result.exit_code == 1
    assert "No company has this identifier: give --company-name to create it." in result.output
    assert count(db, User) == 0


def test_user_create_refuses_an_invalid_siren(run, db):
    result = run(
        *USER,
        "--password",
        PASSWORD,
        "--company-identifier",
        "842915309",
        "--company-name",
        "LOGIPRO",
    )
    assert result.exit_code == 1
    assert "Le SIREN n'est pas valide" in result.output
    assert count(db, Company) == 0


def test_user_create_refuses_a_taken_username(run, db, make_user):
    make_user(username="camille.martin", email="autre@example.fr")
    result = run(
        *USER,
        "--password",
        PASSWORD,
        "--company-identifier",
        "842915308",
        "--company-name",
        "LOGIPRO",
    )
    assert result.exit_code == 1
    assert "Ce nom d'utilisateur ou cette adresse e-mail est déjà utilisé." in result.output
    assert count(db, User) == 1


def test_user_create_refuses_a_weak_password(run, db):
    result = run(
        *USER,
        "--password",
        "camille.martin",
        "--company-identifier",
        "842915308",
        "--company-name",
        "L",
    )
    assert result.exit_code == 1
    assert "nom d'utilisateur" in result.output
    assert count(db, User) == 0


def test_user_create_without_password_emails_a_set_password_link(run, db, outbox):
    result = run(*USER, "--company-identifier", "842915308", "--company-name", "LOGIPRO")
    assert result.exit_code == 0, result.output
    assert "A set-password link was e-mailed to camille.martin@example.fr." in result.output

    user = db.session.scalar(sa.select(User))
    assert user.password_hash is None
    message = outbox.last("camille.martin@example.fr")
    assert message.template == "password_setup"
    assert message.status == OutboxStatus.PENDING  # no MAIL_SERVER in tests: kept in the outbox
    (link,) = [url for url in outbox.links(message) if "/mot-de-passe/definir/" in url]
    assert link.startswith("http://localhost/mot-de-passe/definir/")


# --- demo ---------------------------------------------------------------------------------------


def demo_credentials(output: str) -> dict[str, str]:
    """login -> password, from the lines the demo command prints."""
    lines = [line.split() for line in output.splitlines() if line.startswith("  ")]
    return {words[-2]: words[-1] for words in lines}


def sign_in_through_the_form(app, login: str, password: str) -> int:
    """A new browser signs in. Its own app context: the test's would share `g` between requests."""
    client = app.test_client()
    with app.app_context():
        token = csrf_token_of(client.get("/connexion").get_data(as_text=True))
    with app.app_context():
        data = {"csrf_token": token, "login": login, "password": password}
        return client.post("/connexion", data=data).status_code


def test_demo_prints_four_credentials_that_sign_in(run, app, db):
    result = run("demo")
    assert result.exit_code == 0, result.output
    credentials = demo_credentials(result.output)
    assert list(credentials) == [
        "demo.mandataire",
        "demo.representant",
        "demo.salarie",
        "agent.demo@ans.example.fr",
    ]

    for login in ("demo.mandataire", "demo.representant", "demo.salarie"):
        assert sign_in_through_the_form(app, login, credentials[login]) == 303, login
    agent = db.session.scalar(sa.select(Agent))
    assert verify_password(agent.password_hash, credentials["agent.demo@ans.example.fr"])


def test_demo_twice_refreshes_passwords_without_duplicating_anything(run, app, db):
    first = demo_credentials(run("demo").output)
    result = run("demo")
    assert result.exit_code == 0, result.output
    second = demo_credentials(result.output)

    # Three accounts and the pending applicant of "Vos demandes à traiter".
    assert (count(db, Company), count(db, User), count(db, Agent)) == (1, 4, 1)
    assert all(first[login] != second[login] for login in first)
    assert sign_in_through_the_form(app, "demo.salarie", first["demo.salarie"]) == 401
    assert sign_in_through_the_form(app, "demo.salarie", second["demo.salarie"]) == 303


def test_demo_with_a_given_password_uses_it_everywhere(run, app, db):
    result = run("demo", "--password", "Demo-ISC-2026!")
    assert result.exit_code == 0, result.output
    assert set(demo_credentials(result.output).values()) == {"Demo-ISC-2026!"}
    assert sign_in_through_the_form(app, "demo.mandataire", "Demo-ISC-2026!") == 303


def test_demo_refuses_a_weak_password(run, db):
    result = run("demo", "--password", "court")
    assert result.exit_code == 1
    assert "au moins 12 caractères" in result.output
    assert count(db, User) == 0


# --- worker -------------------------------------------------------------------------------------


@pytest.fixture
def no_redis(app_config):
    app_config["REDIS_URL"] = None


def test_worker_without_redis_says_no_worker_is_needed(no_redis, run):
    result = run("worker", "--burst")
    assert result.exit_code == 1
    assert (
        "REDIS_URL is not set: without Redis, jobs run inline and no worker is needed."
        in result.output
    )


@pytest.fixture
def smtp_app_config(app_config, smtp_server):
    app_config.update(smtp_server.settings)
    return app_config


@needs_redis
def test_worker_burst_drains_the_queue_in_a_process_of_its_own(
    smtp_app_config, app, db, outbox, make_user, smtp_server, tmp_path
):
    """What operators run: `flask --app wsgi isc worker`, configured by ISC_* variables only."""
    from isc import emails
    from isc.jobs import queue

    user = make_user()
    emails.send("password_changed", user.email, user=user)
    db.session.commit()
    assert queue().count == 1

    settings = {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "REDIS_URL": app.config["REDIS_URL"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
        "SECRET_KEY": "worker-test-key",
        "BASE_URL": "http://localhost",
    }
    environment = {name: value for name, value in os.environ.items() if not name.startswith("ISC_")}
    environment.update({f"ISC_{name}": value for name, value in settings.items()})
    environment["ISC_INSTANCE_PATH"] = str(tmp_path)
    worker = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "isc", "worker", "--burst"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr

    assert queue().count == 0
    assert len(smtp_server.received) == 1
    assert outbox.last(user.email).status == OutboxStatus.SENT
