"""How the review console's lists hold up at scale: 100,000 registrations, 1,000,000 audit events.

    python benchmarks/console.py [--database-url URL] [--registrations 100000]
                                 [--audit-events 1000000] [--runs 30]

Seeds a scratch database with bulk inserts (default: a new SQLite file in a temporary folder;
a PostgreSQL URL is emptied and filled: never point it at real data), signs an administrator in
through the real forms, then requests each page through the real app (Flask test client) and
prints, per page, the median and 95th percentile time and the number of SQL queries.

The queries are counted with a `before_cursor_execute` listener. Each page is also requested in
a variant that shows a single row (a search or filter matching one row): the same number of
queries shows that it does not grow with the rows shown.
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyotp
import sqlalchemy as sa

from isc import agent_auth, create_app
from isc.extensions import db
from isc.models import (
    Agent,
    AgentRole,
    AgentTotpState,
    AuditEvent,
    AuthSession,
    IdentityCheck,
    KbisDocument,
    Registration,
)
from isc.passwords import hash_password
from page_timing import measure  # noqa: E402 (benchmarks/ is the script's folder)
from tests.conftest import csrf_token_of

PASSWORD = "benchmark password not for production"
AGENT_EMAIL = "bench@ans.example.fr"
BATCH = 20_000
STATUSES = ["in_review"] * 30 + ["approved"] * 35 + ["refused"] * 25 + ["draft"] * 10


def seed(registrations: int, audit_events: int) -> None:
    """Bulk-insert the rows with Core executemany, in batches (no ORM objects)."""
    rng = random.Random(42)
    now = datetime.now(UTC)
    registration, kbis, identity, audit = (Registration.__table__, KbisDocument.__table__,
                                           IdentityCheck.__table__, AuditEvent.__table__)
    started = time.perf_counter()
    with db.engine.begin() as connection:
        for first in range(1, registrations + 1, BATCH):
            ids = range(first, min(first + BATCH, registrations + 1))
            rows, kbis_rows, identity_rows = [], [], []
            for i in ids:
                status = STATUSES[i % len(STATUSES)]
                submitted = now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
                rows.append({
                    "id": i, "status": status, "step": "identity", "username": f"mandataire{i}",
                    "civility": "madame", "first_name": "Camille", "last_name": f"Martin{i}",
                    "email": f"mandataire{i}@entreprise{i % 997}.fr", "phone": "+33123456789",
                    "cgu_version": "1.0", "created_at": submitted, "updated_at": submitted,
                    "submitted_at": None if status == "draft" else submitted,
                    "decided_at": submitted + timedelta(hours=rng.randint(1, 40))
                    if status in ("approved", "refused") else None,
                })
                siren = f"{(100000000 + i * 7) % 1000000000:09d}"
                kbis_rows.append({
                    "id": i, "registration_id": i, "stored_name": f"{i:032x}.pdf", "sha256": "0" * 64,
                    "original_name": "kbis.pdf", "size": 40_000, "pages": 2, "status": "read", "siren": siren,
                    "extract_date": date.today() - timedelta(days=rng.randint(1, 80)),
                    "uploaded_at": submitted, "read_at": submitted,
                    "extract": {"siren": siren, "denomination": f"ENTREPRISE {i}", "legal_form": "SAS",
                                "head_office_address": f"{i} rue de la Santé 75014 Paris",
                                "dirigeants": [{"role": "Président", "last_name": f"MARTIN{i}",
                                                "first_names": "Camille"}], "problems": []},
                    "checks": [{"code": "siren_valid", "passed": True, "message": "SIREN valide."}],
                })
                identity_rows.append({
                    "id": i, "registration_id": i, "applicant_id": f"aplt_{i}", "verification_id": f"idv_{i}",
                    "partner_status": "approved", "response_codes": [{"code": 10000, "summary": "approved"}],
                    "document_type": "ID", "document_country": "FRA", "first_names": "CAMILLE",
                    "last_name": f"MARTIN{i}", "birth_date": date(1980, 1, 1),
                    "document_expiry": date.today() + timedelta(days=800), "attempts": 1,
                    "started_at": submitted, "last_news_at": submitted,
                })
            connection.execute(registration.insert(), rows)
            connection.execute(kbis.insert(), kbis_rows)
            connection.execute(identity.insert(), identity_rows)
    print(f"  {registrations:,} registrations (+ Kbis, identity checks): {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    actions = ["sign_in.success", "sign_in.failure", "password.changed", "review.claimed", "review.approved",
               "registration.submitted", "user.created", "oidc.grants_revoked"]
    with db.engine.begin() as connection:
        for first in range(1, audit_events + 1, BATCH):
            connection.execute(audit.insert(), [
                {"id": i, "occurred_at": now - timedelta(seconds=audit_events - i),
                 "actor_type": "user", "actor_id": i % 5000, "actor_label": f"user{i % 5000}",
                 "action": actions[i % len(actions)], "target_type": "user_account", "target_id": i % 5000,
                 "ip": "203.0.113.7", "details": {"n": i}}
                for i in range(first, min(first + BATCH, audit_events + 1))
            ])
    print(f"  {audit_events:,} audit events: {time.perf_counter() - started:.1f} s")
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            for table in ("registration", "kbis_document", "identity_check", "audit_event"):
                connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                           f"(SELECT max(id) FROM {table}))"))
                connection.execute(sa.text(f"ANALYZE {table}"))
    else:
        with db.engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))


def create_agent() -> tuple[str, str]:
    secret = pyotp.random_base32(32)
    agent = Agent(email=AGENT_EMAIL, full_name="Agent Banc d'essai", role=AgentRole.ADMINISTRATOR,
                  password_hash=hash_password(PASSWORD))
    db.session.add(agent)
    agent_auth.store_totp_secret(agent, secret)
    db.session.commit()
    return agent.email, secret


def signed_in_client(app, email: str, secret: str):
    client = app.test_client()
    token = csrf_token_of(client.get("/admin/connexion").get_data(as_text=True))
    client.post("/admin/connexion", data={"csrf_token": token, "email": email, "password": PASSWORD})
    token = csrf_token_of(client.get("/admin/connexion/code").get_data(as_text=True))
    response = client.post("/admin/connexion/code", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 303, response.status_code
    return client


def filter_index(app, endpoint: str, column: str, operation: str) -> str:
    """The URL index of one of a Flask-Admin list's filters (flt0_<index>=value)."""
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
    return next(key for key, (_, flt) in view._filter_args.items()
                if getattr(flt.column, "name", None) == column and str(flt.operation()) == operation)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="scratch database (emptied!); default: a new SQLite file")
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--audit-events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-seed", action="store_true", help="measure a database seeded by an earlier run")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="isc-console-bench-"))
    url = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "benchmark", "DATABASE_URL": url, "REDIS_URL": None,
                      "BASE_URL": "http://localhost", "KBIS_UPLOAD_FOLDER": str(scratch / "kbis"),
                      "UBBLE_STANDIN_STORE": str(scratch / "ubble.sqlite3"),
                      "CONSOLE_SIGN_IN_LIMIT_PER_IP": "1000 per minute"})
    counter = [0]
    with app.app_context():
        if args.no_seed:
            print(f"Database: {db.engine.dialect.name}; reusing the rows of an earlier run")
            earlier = sa.select(Agent.id).where(Agent.email == AGENT_EMAIL).scalar_subquery()
            db.session.execute(sa.delete(AuthSession).where(AuthSession.agent_id == earlier))
            db.session.execute(sa.delete(AgentTotpState).where(AgentTotpState.agent_id == earlier))
            db.session.execute(sa.delete(Agent).where(Agent.email == AGENT_EMAIL))
            db.session.commit()
        else:
            print(f"Database: {db.engine.dialect.name}; seeding...")
            db.drop_all()
            db.create_all()
            seed(args.registrations, args.audit_events)
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: counter.__setitem__(0, counter[0] + 1))
        agent_email, secret = create_agent()
        in_review = db.session.scalar(sa.select(Registration.id).where(Registration.status == "in_review")
                                      .order_by(Registration.submitted_at).limit(1))
    action_equals = filter_index(app, "console_journal", "action", "equals")
    # Requests run outside the seeding context, each in its own application context, as on a server.
    client = signed_in_client(app, agent_email, secret)
    pages = [
        ("review queue, page 1 (50 rows)", "/admin/dossiers/"),
        ("review queue, page 100", "/admin/dossiers/?page=100"),
        ("review queue, 1 row (search)", f"/admin/dossiers/?q=mandataire{in_review}%40"),
        ("review queue, overdue filter", "/admin/dossiers/?filtre=overdue"),
        ("decided dossiers, page 1", "/admin/dossiers/?statut=approved"),
        ("dossier page", f"/admin/dossiers/{in_review}"),
        ("audit log, page 1 (50 rows)", "/admin/journal/"),
        ("audit log, page 20", "/admin/journal/?page=20"),
        ("audit log, filtered by action", f"/admin/journal/?flt0_{action_equals}=review.approved"),
        ("audit log, 1 row (filtered by action)", f"/admin/journal/?flt0_{action_equals}=agent.sign_in_success"),
        ("console home", "/admin/"),
    ]
    print(f"{'page':40} {'median ms':>10} {'p95 ms':>10} {'SQL queries':>12}")
    for label, page_url in pages:
        median, p95, queries = measure(client, page_url, args.runs, counter)
        print(f"{label:40} {median:10.1f} {p95:10.1f} {queries:12d}")


if __name__ == "__main__":
    main()
