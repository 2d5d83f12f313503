"""`flask --app wsgi isc ...`: commands for support staff, operators and development."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from isc import accounts, agents, emails, jobs
from isc.accounts import AccountError
from isc.companies import find_company, get_or_create_company, guess_identifier_type, normalize_identifier
from isc.demo import seed_demo
from isc.extensions import db
from isc.kbis.cli import kbis_group
from isc.models import AgentRole, Civility, IdentifierType, Role
from isc.oidc.cli import keys_group, service_group
from isc.registration import RegistrationError
from isc.validation import InvalidField

isc_group = AppGroup("isc", help="Industriels Santé Connect: support and operations commands.")
user_group = AppGroup("user", help="Company users' accounts.")
outbox_group = AppGroup("outbox", help="The e-mail outbox.")
isc_group.add_command(user_group)
isc_group.add_command(outbox_group)
isc_group.add_command(kbis_group)
isc_group.add_command(service_group)
isc_group.add_command(keys_group)


def init_app(app: Flask) -> None:
    app.cli.add_command(isc_group)


def _fail(message: str) -> None:
    raise click.ClickException(message)


@isc_group.command("create-agent")
@click.option("--email", required=True, help="The agent's e-mail address, used to sign in.")
@click.option("--name", "full_name", required=True, help="First and last name.")
@click.option("--role", type=click.Choice([r.value for r in AgentRole]), default=AgentRole.REVIEWER.value,
              show_default=True, help="reviewer decides, administrator does everything, auditor reads.")
@click.password_option(help="At least 12 characters; asked for when not given.")
def create_agent_command(email: str, full_name: str, role: str, password: str) -> None:
    """Create an ANS agent who can sign in to the review console."""
    try:
        agent = agents.create_agent(email=email, full_name=full_name, role=AgentRole(role), password=password)
    except (AccountError, InvalidField) as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Agent {agent.email} ({agent.role.value}) created.")


@user_group.command("create")
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--password", help="Set this password; without it, a set-password link is e-mailed.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--company-identifier", required=True, help="SIREN, SIRET, EU VAT or foreign identifier.")
@click.option("--company-identifier-type", type=click.Choice([t.value for t in IdentifierType]),
              help="Guessed from the identifier when omitted.")
@click.option("--company-name", help="Required when the company does not exist yet.")
@click.option("--company-address", default="", help="Head-office address of a new company.")
@click.option("--first-name", default="Prénom")
@click.option("--last-name", default="Nom")
@click.option("--civility", type=click.Choice([c.value for c in Civility]), default=Civility.MADAME.value)
@click.option("--phone", default="", help="French or international number.")
def create_user_command(username, email, password, role, company_identifier, company_identifier_type,
                        company_name, company_address, first_name, last_name, civility, phone) -> None:
    """Create an active company user (support staff), creating the company if needed."""
    kind = IdentifierType(company_identifier_type) if company_identifier_type else guess_identifier_type(
        company_identifier
    )
    try:
        company = find_company(kind, normalize_identifier(kind, company_identifier))
        if company is None:
            if not company_name:
                _fail("No company has this identifier: give --company-name to create it.")
            company, _ = get_or_create_company(kind, company_identifier, name=company_name,
                                               address=company_address)
        user = accounts.create_user(
            company=company, role=Role(role), username=username, email=email, first_name=first_name,
            last_name=last_name, civility=Civility(civility), phone=phone, password=password,
        )
        if password is None:
            accounts.send_setup_link(user)
    except (AccountError, InvalidField) as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"User {user.username} ({user.role.value}) created in {company.name} "
               f"({kind.label} {company.identifier_value}).")
    if password is None:
        click.echo(f"A set-password link was e-mailed to {user.email}.")


@isc_group.command("demo")
@click.option("--password", help="Give every demo account this password instead of random ones.")
def demo_command(password: str | None) -> None:
    """Create or refresh the demo company, its three accounts and an ANS agent; print credentials.
    Also put a mandataire's registration in review (once), for the console."""
    try:
        demo = seed_demo(password)
    except (AccountError, InvalidField, RegistrationError) as error:
        _fail(str(error))
    db.session.commit()
    click.echo("Demo accounts (new passwords at each run):")
    for item in demo.credentials:
        click.echo(f"  {item.kind:<28} {item.login:<28} {item.password}")
    dossier = demo.dossier
    if dossier is not None:
        base_url = current_app.config["BASE_URL"].rstrip("/")
        click.echo(f"Mandataire dossier of {dossier.full_name} ({dossier.status.value}): "
                   f"{base_url}/admin/dossiers/{dossier.id}")


@isc_group.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run an RQ worker, with its scheduler (retries, delayed jobs), on ISC's queue."""
    from rq import Worker

    connection = jobs.redis_connection()
    if connection is None:
        _fail("REDIS_URL is not set: without Redis, jobs run inline and no worker is needed.")
    worker = Worker([jobs.queue()], connection=connection)
    worker.work(with_scheduler=True, burst=burst)


@outbox_group.command("send")
def outbox_send_command() -> None:
    """Deliver every message still waiting in the outbox (after an SMTP outage, say)."""
    if not current_app.config.get("MAIL_SERVER"):
        _fail("MAIL_SERVER is not set: messages stay in the outbox.")
    waiting = emails.pending_messages()
    for message in waiting:
        emails.schedule_delivery(message)
    db.session.commit()
    click.echo(f"{len(waiting)} message(s) handed to delivery.")


@isc_group.command("maintenance")
def maintenance_command() -> None:
    """Run every periodic job once now: identity reconciliation, purges (for the system's cron
    when there is no Redis; with Redis, `isc cron` schedules them)."""
    from isc.maintenance import run_all

    for name, count in run_all().items():
        click.echo(f"{name}: {count}")


@isc_group.command("cron")
def cron_command() -> None:
    """Enqueue the periodic jobs on their schedule, forever (one per deployment; needs Redis)."""
    from isc.maintenance import run_cron_scheduler

    if jobs.redis_connection() is None:
        _fail("REDIS_URL is not set: run `flask isc maintenance` from the system's cron instead.")
    run_cron_scheduler()
