"""Fixtures of the console tests: agents, signed-in console browsers, dossiers in review."""

import secrets
from datetime import date, timedelta
from urllib.parse import urlsplit

import pyotp
import pytest

from isc import agent_auth
from isc.models import (
    Agent,
    AgentRole,
    Civility,
    IdentityCheck,
    KbisDocument,
    KbisStatus,
    Registration,
    RegistrationStatus,
    RegistrationStep,
)
from isc.models.types import utcnow
from isc.passwords import hash_password
from tests.conftest import DEFAULT_PASSWORD, csrf_token_of

# A minimal one-page PDF: the console serves it, nothing reads it.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
    b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
VALID_SIREN = "842915308"
_HASH = None


def location_path(response) -> str:
    return urlsplit(response.headers["Location"]).path


@pytest.fixture
def make_agent(db):
    """`make_agent("reviewer", enrolled=True)`: a committed agent (password DEFAULT_PASSWORD)."""
    counter = iter(range(1, 1000))

    def make(role: str = "reviewer", *, enrolled: bool = True, **values) -> Agent:
        global _HASH
        number = next(counter)
        _HASH = _HASH or hash_password(DEFAULT_PASSWORD)
        values.setdefault("email", f"agent{number}@ans.example.fr")
        values.setdefault("full_name", f"Agent Numéro{number}")
        agent = Agent(role=AgentRole(role), password_hash=_HASH, **values)
        db.session.add(agent)
        if enrolled:
            agent_auth.store_totp_secret(agent, pyotp.random_base32(32))
        db.session.commit()
        return agent

    return make


class TotpClock:
    """Codes for successive sign-ins of one agent: each TOTP step is accepted once, so each
    sign-in uses the next step the server accepts (current, then next)."""

    def __init__(self):
        self.used: dict[int, int] = {}

    def code(self, agent: Agent) -> str:
        offset = self.used.get(agent.id, 0)
        self.used[agent.id] = offset + 1
        assert offset <= 1, "more than two sign-ins of one agent in one test"
        totp = pyotp.TOTP(agent_auth.totp_secret(agent))
        return totp.at(utcnow(), counter_offset=offset)


@pytest.fixture
def totp_clock():
    return TotpClock()


@pytest.fixture
def console_sign_in(app, totp_clock):
    """`console_sign_in(agent, client=None)`: password then TOTP through the real forms;
    returns the signed-in client."""

    def sign_in(agent: Agent, client=None):
        client = client or app.test_client()
        page = client.get("/admin/connexion")
        response = client.post("/admin/connexion", data={
            "csrf_token": csrf_token_of(page.get_data(as_text=True)),
            "email": agent.email, "password": DEFAULT_PASSWORD,
        })
        assert response.status_code == 303, response.get_data(as_text=True)
        assert location_path(response) == "/admin/connexion/code"
        page = client.get("/admin/connexion/code")
        response = client.post("/admin/connexion/code", data={
            "csrf_token": csrf_token_of(page.get_data(as_text=True)), "code": totp_clock.code(agent),
        })
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return sign_in


@pytest.fixture
def post_form():
    """`post_form(client, page_url, action_url, data)`: read the page's CSRF token, then POST."""

    def post(client, page_url: str, action_url: str, data: dict):
        page = client.get(page_url)
        assert page.status_code == 200, page.status_code
        return client.post(action_url, data={"csrf_token": csrf_token_of(page.get_data(as_text=True)), **data})

    return post


@pytest.fixture
def make_dossier(app, db):
    """`make_dossier(first_name=..., kbis={...}, identity={...})`: a committed registration in
    review, as the mandataire journey leaves it: a read Kbis (stored file, extract, checks) and
    the partner's approved identity check."""
    counter = iter(range(1, 1000))

    def make(*, first_name: str = "Pierre-François", last_name: str = "Durand", kbis: dict | None = None,
             identity: dict | None = None, waited: timedelta = timedelta(hours=2), **values) -> Registration:
        number = next(counter)
        now = utcnow()
        values.setdefault("username", f"mandataire{number}")
        values.setdefault("email", f"mandataire{number}@entreprise.example.fr")
        registration = Registration(
            status=RegistrationStatus.IN_REVIEW, step=RegistrationStep.IDENTITY,
            civility=Civility.MONSIEUR, first_name=first_name, last_name=last_name,
            phone="+33123456789", cgu_version="1.0", cgu_accepted_at=now - waited,
            consent_version="1.0", consent_at=now - waited, submitted_at=now - waited, **values,
        )
        kbis_values = {
            "siren": VALID_SIREN, "denomination": "LOGIPRO", "legal_form": "SAS",
            "head_office_address": "20 avenue Charles de Gaulle 75008 Paris",
            "extract_date": date.today() - timedelta(days=10),
            "dirigeants": [{"role": "Président", "last_name": last_name.upper(), "first_names": first_name}],
        } | (kbis or {})
        stored_name = f"{secrets.token_hex(16)}.pdf"
        from isc.kbis_intake import upload_folder

        (upload_folder() / stored_name).write_bytes(TINY_PDF)
        extract_date = kbis_values["extract_date"]
        registration.kbis = KbisDocument(
            stored_name=stored_name, sha256="0" * 64, original_name="kbis.pdf", size=len(TINY_PDF), pages=1,
            status=KbisStatus.READ, siren=kbis_values["siren"], extract_date=extract_date, read_at=now - waited,
            extract={
                "siren": kbis_values["siren"], "denomination": kbis_values["denomination"],
                "legal_form": kbis_values["legal_form"], "head_office_address": kbis_values["head_office_address"],
                "registration_date": None, "extract_date": extract_date.isoformat() if extract_date else None,
                "dirigeants": kbis_values["dirigeants"], "problems": [],
            },
            checks=[{"code": "extract_recent", "passed": True, "message": "Kbis récent."},
                    {"code": "siren_valid", "passed": True, "message": "SIREN valide."},
                    {"code": "applicant_is_representative", "passed": True, "message": "Dirigeant."}],
        )
        identity_values = {
            "partner_status": "approved", "response_codes": [{"code": 10000, "summary": "approved"}],
            "document_type": "ID", "document_country": "FRA", "document_number": "X4RTBPFW4",
            "document_expiry": date.today() + timedelta(days=900), "first_names": first_name.upper(),
            "last_name": last_name.upper(), "birth_date": date(1980, 5, 17),
        } | (identity or {})
        registration.identity_check = IdentityCheck(
            applicant_id=f"aplt_{number}", verification_id=f"idv_test{number}_{secrets.token_hex(4)}",
            attempts=1, completed_at=now - waited, **identity_values,
        )
        db.session.add(registration)
        db.session.commit()
        return registration

    return make
