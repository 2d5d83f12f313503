"""How the company portal's lists hold up at scale: one company of 20,000 collaborators and
5,000 demandes to process, among 200 other companies.

    python benchmarks/portal_lists.py [--database-url URL] [--collaborators 20000]
                                      [--demandes 5000] [--runs 30] [--no-seed]

Seeds a scratch database with bulk inserts (default: a new SQLite file in a temporary folder;
a PostgreSQL URL is emptied and filled: never point it at real data): the big company's
accounts (French names with accents, every status, sign-ins spread over a year), its pending
registration and modification demandes (and decided ones), and 200 other companies of 50
accounts each, so that every list has to pick its company's rows among others. It then signs
the big company's mandataire in through the real form and requests each page through the real
app (Flask test client), printing per page the median and 95th percentile time, the time as a
multiple of a static page of the same app (/cgu, signed in), and the number of SQL queries.

The queries are counted with a `before_cursor_execute` listener. The collaborators' search is
also requested with a name matching a single person: the same number of queries shows that it
does not grow with the rows shown.
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa

from isc import collaborators, create_app, membership
from isc.extensions import db
from isc.models import Company, Demande, DemandeKind, DemandeStatus, Role, User, UserStatus
from isc.models.user import search_key
from isc.passwords import hash_password
from page_timing import measure  # noqa: E402 (benchmarks/ is the script's folder)
from tests.conftest import csrf_token_of

PASSWORD = "benchmark password not for production"
MANDATAIRE_USERNAME = "banc.mandataire"
BIG_COMPANY_SIREN = "552100554"
OTHER_COMPANIES = 200
OTHER_COMPANY_USERS = 50
BATCH = 10_000
COMMON_NAME = "Martin"  # the most frequent last name: 7 % of the accounts (with the Martinez)
# A single person bears this name (and it has an accent: the search ignores it).
ONE_PERSON = ("Bérénice", "Hérouard-Zébrowski")
ONE_PERSON_QUERY = "zébrowski"

FIRST_NAMES = [
    "Camille", "Léa", "Chloé", "Emma", "Manon", "Inès", "Zoé", "Anaïs", "Noémie", "Clémence",
    "Hélène", "Émilie", "Cécile", "Gaëlle", "Agnès", "Thérèse", "Josée", "Mélanie", "Élodie",
    "Maëlys", "Solène", "Françoise", "Béatrice", "Renée", "Aurélie", "Céline", "Jérôme", "François",
    "Benoît", "Loïc", "Maël", "Noël", "Joël", "Raphaël", "Gaël", "Théo", "Clément", "Frédéric",
    "Stéphane", "Sébastien", "Cédric", "Grégoire", "Hervé", "André", "René", "Jean-Baptiste",
    "Pierre-Étienne", "Marie-Hélène", "Anne-Sophie", "Lucas", "Hugo", "Louis", "Nicolas", "Julien",
    "Thomas", "Antoine", "Mathieu", "Claire", "Sophie", "Isabelle", "Nathalie", "Valérie",
]
# Most frequent first: drawn with weights 1/sqrt(rank), so a few names are common.
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Légaré", "Côté", "Gérard", "Hébert", "Lécuyer", "Pâris",
    "Séguin", "Thévenet", "Brûlé", "Noël", "Ménard", "Crépin", "Rivière", "Lemaître", "Bégin",
    "Chênevert", "Désiré", "Éluard", "Fénelon", "Gaillard", "Hélias", "Jégou", "Kléber", "Lévêque",
    "Mégret", "Nédélec", "Orléans", "Pélissier", "Quéré", "Rémy", "Sénéchal", "Téchené", "Vézina",
    "Allègre", "Bouchère", "Cazalès", "Delatour d'Aubigné", "Étienne", "Faÿ", "Guérin", "Hamon",
    "Ibáñez", "Joly", "Kerjéan", "Le Goff", "Le Gall", "Ollivier", "Prévost", "Roussel", "Sauvé",
]
LAST_NAME_WEIGHTS = [1 / (rank + 1) ** 0.5 for rank in range(len(LAST_NAMES))]
# Statuses of the collaborators other than pending applicants (who come with the demandes).
STATUSES = [UserStatus.ACTIVE] * 90 + [UserStatus.DISABLED] * 7 + [UserStatus.DELETED] * 3


class Seeder:
    """Builds rows with explicit ids, so that companies, accounts and demandes refer to each
    other without reading anything back."""

    def __init__(self, now: datetime):
        self.rng = random.Random(42)
        self.now = now
        self.companies: list[dict] = []
        self.users: list[dict] = []
        self.demandes: list[dict] = []

    def company(self, name: str, siren: str) -> int:
        company_id = len(self.companies) + 1
        self.companies.append({
            "id": company_id, "identifier_type": "siren", "identifier_value": siren, "name": name,
            "head_office_address": f"{company_id} avenue de la Santé 75014 Paris",
            "status": "active", "created_at": self.now - timedelta(days=1500),
        })
        return company_id

    def user(self, company_id: int, role: Role, status: UserStatus, domain: str,
             name: tuple[str, str] | None = None, username: str | None = None) -> dict:
        rng = self.rng
        user_id = len(self.users) + 1
        first, last = name or (rng.choice(FIRST_NAMES), _last_name(rng))
        local = f"{_ascii(first)}.{_ascii(last)}"
        username = username or f"{local}{user_id}"
        email = f"{local}.{user_id}@{domain}"
        public_id = f"{rng.getrandbits(128):032x}"
        created = self.now - timedelta(minutes=rng.randint(60 * 24 * 60, 60 * 24 * 1400))
        last_login = None
        if status in (UserStatus.ACTIVE, UserStatus.DISABLED) and rng.random() < 0.8:
            last_login = self.now - timedelta(minutes=rng.randint(1, 60 * 24 * 365))
        if status == UserStatus.DELETED:
            username, email = f"supprime-{public_id}", f"supprime-{public_id}@invalid.invalid"
            first, last = "", "Compte supprimé"
        phone = "" if status == UserStatus.DELETED else f"+33{rng.randint(100000000, 799999999)}"
        row = {
            "id": user_id, "public_id": public_id, "company_id": company_id, "role": role.value,
            "status": status.value, "username": username, "first_name": first, "last_name": last,
            "civility": rng.choice(["madame", "monsieur"]), "email": email, "phone": phone,
            "direct_phone": "", "password_hash": None, "password_changed_at": None,
            "created_at": created, "last_login_at": last_login,
            "search_text": search_key(last, first, email, username),
        }
        self.users.append(row)
        return row

    def demande(self, user: dict, kind: DemandeKind, status: DemandeStatus = DemandeStatus.PENDING,
                decided_by: dict | None = None) -> None:
        rng = self.rng
        created = self.now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
        requested, previous, comment = {}, {}, ""
        if kind == DemandeKind.MODIFICATION:
            change = rng.choice(["last_name", "email", "phone", "both"])
            if change in ("last_name", "both"):
                requested["last_name"] = f"{_last_name(rng)}-{user['last_name']}"
            if change in ("email", "both"):
                requested["email"] = "nouvelle." + user["email"]
            if change == "phone":
                requested["phone"] = f"+33{rng.randint(600000000, 799999999)}"
            previous = {field: user[field] for field in requested}
            comment = rng.choice(["", "Mariage.", "Erreur à l'inscription.",
                                  "Nouvelle adresse e-mail après la fusion des équipes."])
        decided = status != DemandeStatus.PENDING
        self.demandes.append({
            "id": len(self.demandes) + 1, "company_id": user["company_id"], "user_id": user["id"],
            "kind": kind.value, "status": status.value, "requested": requested,
            "previous": previous, "comment": comment, "created_at": created,
            "decided_at": created + timedelta(hours=rng.randint(1, 72)) if decided else None,
            "decided_by_id": decided_by["id"] if decided else None,
            "decided_by_agent_id": None, "decision_comment": "",
        })

    def company_staff(self, company_id: int, domain: str, size: int, pending: int,
                      modifications: int, mandataire: dict | None = None) -> None:
        """`size` accounts (mandataire, représentants, salariés), `pending` of them applicants
        with their registration demande, `modifications` modification demandes of active ones,
        and a decided registration demande for one active account in four."""
        rng = self.rng
        if mandataire is None:
            mandataire = self.user(company_id, Role.MANDATAIRE, UserStatus.ACTIVE, domain)
        staff = []
        for number in range(size - 1 - pending):
            role = Role.REPRESENTANT if number % 20 == 0 else Role.SALARIE
            if number % 5000 == 4999:
                role = Role.MANDATAIRE
            staff.append(self.user(company_id, role, rng.choice(STATUSES), domain))
        for _ in range(pending):
            role = rng.choice([Role.SALARIE] * 9 + [Role.REPRESENTANT])
            applicant = self.user(company_id, role, UserStatus.PENDING, domain)
            self.demande(applicant, DemandeKind.REGISTRATION)
        active = [row for row in staff if row["status"] == "active" and row["role"] != "mandataire"]
        for person in active[:modifications]:
            self.demande(person, DemandeKind.MODIFICATION)
        for person in active[::4]:
            self.demande(person, DemandeKind.REGISTRATION, DemandeStatus.APPROVED, mandataire)


def _last_name(rng: random.Random) -> str:
    return rng.choices(LAST_NAMES, LAST_NAME_WEIGHTS)[0]


def _ascii(text: str) -> str:
    return "".join(char for char in search_key(text) if char.isalnum() or char == "-")


def seed(collaborators: int, demandes: int) -> None:
    """Bulk-insert the rows with Core executemany, in batches (no ORM objects)."""
    started = time.perf_counter()
    seeder = Seeder(datetime.now(UTC))
    big = seeder.company("LABORATOIRES HERMINE SANTÉ", BIG_COMPANY_SIREN)
    domain = "hermine-sante.fr"
    mandataire = seeder.user(big, Role.MANDATAIRE, UserStatus.ACTIVE, domain,
                             name=("Hélène", "Lefèvre-Dufresne"), username=MANDATAIRE_USERNAME)
    mandataire["password_hash"] = hash_password(PASSWORD)
    seeder.user(big, Role.SALARIE, UserStatus.ACTIVE, domain, name=ONE_PERSON)
    registrations = demandes // 2
    seeder.company_staff(big, domain, collaborators - 1, registrations, demandes - registrations,
                         mandataire)
    big_users, big_demandes = len(seeder.users), len(seeder.demandes)
    for number in range(OTHER_COMPANIES):
        company_id = seeder.company(f"ENTREPRISE {number + 1} SAS",
                                    f"{800000000 + number * 37:09d}")
        seeder.company_staff(company_id, f"entreprise{number + 1}.fr", OTHER_COMPANY_USERS,
                             pending=3, modifications=2)
    with db.engine.begin() as connection:
        for table, rows in ((Company.__table__, seeder.companies),
                            (User.__table__, seeder.users), (Demande.__table__, seeder.demandes)):
            for first in range(0, len(rows), BATCH):
                connection.execute(table.insert(), rows[first:first + BATCH])
    print(f"  big company: {big_users:,} accounts, {demandes:,} pending demandes "
          f"(+ {big_demandes - demandes:,} decided); {OTHER_COMPANIES} other companies: "
          f"{len(seeder.users) - big_users:,} accounts, "
          f"{len(seeder.demandes) - big_demandes:,} demandes; "
          f"{time.perf_counter() - started:.1f} s")
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            for table in ("company", "user_account", "demande"):
                connection.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"))
                connection.execute(sa.text(f"ANALYZE {table}"))
        else:
            connection.execute(sa.text("ANALYZE"))


def signed_in_client(app):
    client = app.test_client()
    token = csrf_token_of(client.get("/connexion").get_data(as_text=True))
    response = client.post("/connexion", data={"csrf_token": token,
                                               "login": MANDATAIRE_USERNAME, "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url",
                        help="scratch database (emptied!); default: a new SQLite file")
    parser.add_argument("--collaborators", type=int, default=20_000,
                        help="accounts of the big company")
    parser.add_argument("--demandes", type=int, default=5_000,
                        help="its pending demandes (half of each kind)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-seed", action="store_true",
                        help="measure a database seeded by an earlier run")
    args = parser.parse_args()
    if args.collaborators < args.demandes // 2 + 1000:
        parser.error("--collaborators must exceed half --demandes by 1,000 at least")
    scratch = Path(tempfile.mkdtemp(prefix="isc-portal-bench-"))
    url = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "benchmark", "DATABASE_URL": url,
                      "REDIS_URL": None, "BASE_URL": "http://localhost",
                      "KBIS_UPLOAD_FOLDER": str(scratch / "kbis"),
                      "UBBLE_STANDIN_STORE": str(scratch / "ubble.sqlite3"),
                      "SIGN_IN_LIMIT_PER_IP": "1000 per minute",
                      "SIGN_IN_LIMIT_PER_ACCOUNT": "1000 per minute"})
    counter = [0]
    with app.app_context():
        if args.no_seed:
            print(f"Database: {db.engine.dialect.name}; reusing the rows of an earlier run")
        else:
            print(f"Database: {db.engine.dialect.name}; seeding...")
            db.drop_all()
            db.create_all()
            seed(args.collaborators, args.demandes)
        sa.event.listen(db.engine, "before_cursor_execute",
                        lambda *a: counter.__setitem__(0, counter[0] + 1))
        mandataire = db.session.scalar(sa.select(User).where(User.username == MANDATAIRE_USERNAME))
        big = mandataire.company_id
        collaborator = db.session.scalar(sa.select(User.public_id).where(
            User.company_id == big, User.status == UserStatus.ACTIVE, User.role == Role.SALARIE,
            User.first_name != ONE_PERSON[0]).order_by(User.id).limit(1))
        pending = sa.select(Demande.id).where(Demande.company_id == big,
                                              Demande.status == DemandeStatus.PENDING)
        modification, registration = (
            db.session.scalar(pending.where(Demande.kind == kind).order_by(Demande.id).limit(1))
            for kind in (DemandeKind.MODIFICATION, DemandeKind.REGISTRATION))
        listed, common, one = (collaborators.search(mandataire, text).total
                               for text in ("", COMMON_NAME, ONE_PERSON_QUERY))
        assert one == 1, f"{ONE_PERSON_QUERY!r} matches {one} collaborators"
        counts = membership.counts_to_process(mandataire)
        print(f"  the mandataire sees {listed:,} collaborators ({COMMON_NAME!r}: {common:,}), "
              f"{counts[DemandeKind.REGISTRATION]:,} registrations and "
              f"{counts[DemandeKind.MODIFICATION]:,} modifications to process")
        db.session.remove()
    # Requests run outside the seeding context, each in its own app context, as on a server.
    client = signed_in_client(app)
    common, one = quote(COMMON_NAME), quote(ONE_PERSON_QUERY)
    pages = [
        ("dashboard", "/tableau-de-bord", None),
        ("collaborators, page 1 (20 rows)", "/collaborateurs", None),
        ("collaborators, page 500", "/collaborateurs?page=500", None),
        (f"collaborators, search {COMMON_NAME!r}", f"/collaborateurs?q={common}", None),
        ("collaborators, search, 1 row", f"/collaborateurs?q={one}", ONE_PERSON[1]),
        ("collaborator page", f"/collaborateurs/{collaborator}", None),
        ("demandes, registrations, page 1", "/demandes", None),
        ("demandes, registrations, page 100", "/demandes?type=inscription&page=100", None),
        ("demandes, modifications, page 1", "/demandes?type=modification", None),
        ("demande page (modification)", f"/demandes/{modification}", None),
        ("demande page (registration)", f"/demandes/{registration}", None),
    ]
    baseline = measure(client, "/cgu", args.runs, counter)
    health = measure(client, "/healthz", args.runs, counter)
    print(f"{'page':40} {'median ms':>10} {'p95 ms':>8} {'× /cgu':>7} {'SQL queries':>12}")
    rows = [("baseline: /cgu (static page, signed in)", baseline), ("/healthz", health)]
    rows += [(label, measure(client, page_url, args.runs, counter, expect))
             for label, page_url, expect in pages]
    for label, (median, p95, queries) in rows:
        print(f"{label:40} {median:10.1f} {p95:8.1f} {median / baseline[0]:7.1f} {queries:12d}")


if __name__ == "__main__":
    main()
