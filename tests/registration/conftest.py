"""Fixtures of the mandataire registration tests.

`journey` is one applicant's browser (a test client) going through the journey step by step;
`kbis_for` draws a generated Kbis (tests/kbis/pdf_factory.py), up to date and naming the
applicant unless told otherwise; `make_registration` puts a dossier straight into the database
at any status; `live_isc` serves the test app (and so the partner's stand-in) over HTTP, BASE_URL
pointing at it, for the round trips with the partner; `scripted_partner` is a partner API that
answers what the test says; `post_webhook` sends signed webhooks as the partner does.
"""

import hashlib
import io
import json
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.wrappers import Request, Response

from isc.identity.codes import code_summary
from isc.identity.signature import HEADER, generate_private_key, public_key_pem, sign
from isc.kbis.dates import format_french_date
from isc.models import Civility
from isc.models.registration import (
    IdentityCheck,
    KbisDocument,
    KbisStatus,
    PartnerEvent,
    Registration,
    RegistrationStatus,
    RegistrationStep,
)
from isc.models.types import utcnow
from tests.conftest import csrf_token_of, serve
from tests.kbis.pdf_factory import kbis_pdf

PERSONAL = "/inscription/mandataire"
COMPANY = "/inscription/mandataire/entreprise"
COMPANY_STATUS = "/inscription/mandataire/entreprise/statut"
COMPANY_NEXT = "/inscription/mandataire/entreprise/suivant"
IDENTITY = "/inscription/mandataire/identite"
RESUME_LATER = "/inscription/mandataire/reprendre-plus-tard"
VERIFICATION = "/inscription/mandataire/verification"
VERIFICATION_STATUS = "/inscription/mandataire/verification/statut"
VERIFICATION_RETRY = "/inscription/mandataire/verification/reessayer"
WEBHOOK = "/partenaires/ubble/webhook"

APPLICANT = {
    "username": "pdurand",
    "civility": "monsieur",
    "first_name": "Pierre",
    "last_name": "Durand",
    "email": "pierre.durand@sante-industrie.fr",
    "phone": "01 23 45 67 89",
    "accept_cgu": "y",
}
SIREN = "842915308"  # the generated Kbis's


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "settings(**values): settings of the test app, e.g. KBIS_READ_TIMEOUT=1"
    )


@pytest.fixture(scope="session", autouse=True)
def _reader_imported():
    """Import camelot once: the forked Kbis readers inherit it instead of paying ~1 s each."""
    import camelot  # noqa: F401


@pytest.fixture
def app_config(app_config, request):
    marker = request.node.get_closest_marker("settings")
    if marker:
        app_config.update(marker.kwargs)
    return app_config


def today_fr(days_ago: int = 0) -> str:
    return format_french_date(date.today() - timedelta(days=days_ago))


@pytest.fixture
def kbis_for():
    """`kbis_for(**changes)`: PDF bytes of a Kbis at today's date naming Pierre Durand as DG."""

    def draw(**changes) -> bytes:
        changes.setdefault("extract_date", today_fr())
        return kbis_pdf(**changes)

    return draw


# --- The applicant's browser --------------------------------------------------------------------


class Journey:
    """One applicant's browser, going through the journey's screens."""

    def __init__(self, client, outbox, db):
        self.client, self.outbox, self.db = client, outbox, db
        self.username = APPLICANT["username"]

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict, *, form_url: str | None = None, **kwargs):
        """POST `data` with the CSRF token of the form page (`form_url`, by default `url`)."""
        page = self.client.get(form_url or url)
        assert page.status_code == 200, (
            form_url or url,
            page.status_code,
            page.headers.get("Location"),
        )
        return self.client.post(
            url, data={"csrf_token": csrf_token_of(page.get_data(as_text=True)), **data}, **kwargs
        )

    def personal(self, **changes):
        data = {**APPLICANT, **changes}
        data = {key: value for key, value in data.items() if value is not None}
        self.username = (data.get("username") or self.username).strip().lower()
        return self.post(PERSONAL, data)

    def upload(self, data: bytes | None, filename: str = "kbis.pdf", *, read: bool = True):
        """Drop a file on étape 3 and press "Vérifier le document"; the reading job runs (RQ)."""
        files = {} if data is None else {"kbis": (_bytes_io(data), filename, "application/pdf")}
        response = self.post(COMPANY, files, content_type="multipart/form-data")
        if read:
            self.outbox.run_jobs()
        return response

    def next(self):
        return self.post(COMPANY_NEXT, {}, form_url=COMPANY)

    def consent(self, accept: bool = True):
        return self.post(IDENTITY, {"consent": "y"} if accept else {})

    def resume_later(self, form_url: str):
        return self.post(RESUME_LATER, {}, form_url=form_url)

    def to_identity_step(self, kbis: bytes):
        """Étapes 2 and 3 done with `kbis`: the browser is at étape 4."""
        assert self.personal().status_code == 303
        assert self.upload(kbis).status_code == 303
        response = self.next()
        assert response.headers.get("Location", "").endswith(IDENTITY), self.get(COMPANY).get_data(
            as_text=True
        )
        return response

    def registration(self) -> Registration:
        self.db.session.rollback()  # see what the requests committed; hold no lock
        registration = self.db.session.scalar(
            sa.select(Registration)
            .where(Registration.username == self.username)
            .order_by(Registration.id.desc())
        )
        assert registration is not None, f"no registration for {self.username}"
        return registration


def _bytes_io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


@pytest.fixture
def make_journey(app, outbox, db) -> Callable[[], Journey]:
    """`make_journey()`: a new browser (no cookies) at the start of the journey."""
    return lambda: Journey(app.test_client(), outbox, db)


@pytest.fixture
def journey(make_journey) -> Journey:
    return make_journey()


# --- Dossiers straight into the database --------------------------------------------------------

PASSED_CHECKS = [
    {"code": "extract_recent", "passed": True, "message": "L'extrait Kbis est à jour."},
    {"code": "siren_valid", "passed": True, "message": "Le numéro SIREN 842 915 308 est valide."},
    {
        "code": "applicant_is_representative",
        "passed": True,
        "message": "Pierre Durand figure sur l'extrait Kbis comme « Directeur général ».",
    },
]


@pytest.fixture
def make_registration(db):
    """`make_registration(status="identity_check", verification_id="idv_...")`: a committed
    dossier of Pierre Durand with a passed Kbis and, when a verification id is given, its check."""
    counter = iter(range(1, 10_000))

    def make(
        status: str = "identity_check",
        *,
        verification_id: str | None = None,
        step: str = "identity",
        **values,
    ) -> Registration:
        number = next(counter)
        registration = Registration(
            status=RegistrationStatus(status),
            step=RegistrationStep(step),
            username=values.pop("username", f"mandataire{number}"),
            civility=Civility.MONSIEUR,
            first_name="Pierre",
            last_name="Durand",
            email=f"mandataire{number}@example.fr",
            phone="+33123456789",
            cgu_version="1.0",
            cgu_accepted_at=utcnow(),
            consent_version="1.0",
            consent_at=utcnow(),
            **values,
        )
        registration.kbis = KbisDocument(
            stored_name=f"{secrets.token_hex(16)}.pdf",
            sha256=hashlib.sha256(b"x").hexdigest(),
            original_name="kbis.pdf",
            size=1,
            pages=1,
            status=KbisStatus.READ,
            siren=SIREN,
            extract={"siren": SIREN, "denomination": "SANTÉ INDUSTRIE CONSEIL"},
            checks=PASSED_CHECKS,
        )
        if verification_id:
            registration.identity_check = IdentityCheck(
                applicant_id="aplt_test",
                verification_id=verification_id,
                partner_status="pending",
                attempts=1,
            )
        db.session.add(registration)
        db.session.commit()
        return registration

    return make


# --- The partner --------------------------------------------------------------------------------


@pytest.fixture
def live_isc(app) -> Iterator[str]:
    """The test app served over HTTP; BASE_URL points at it, so the partner's stand-in (inside
    the app) and its webhooks to /partenaires/ubble/webhook go through real requests."""
    with serve(app) as url:
        app.config["BASE_URL"] = url
        yield url


@pytest.fixture
def wait_until(outbox, db):
    """`wait_until(predicate)`: run the queued jobs (RQ) until `predicate()` is true."""

    def wait(predicate: Callable[[], object], timeout: float = 20, message: str = "") -> None:
        deadline = time.monotonic() + timeout
        while True:
            outbox.run_jobs()
            db.session.rollback()
            if predicate():
                return
            if time.monotonic() > deadline:
                raise AssertionError(message or f"timed out waiting for {predicate}")
            time.sleep(0.05)

    return wait


def verification_answer(
    idv_id: str, status: str, codes: tuple[int, ...] = (), document: bool = True
) -> dict:
    """`GET /v2/identity-verifications/{id}` as the partner answers it."""
    stamp = utcnow().replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return {
        "id": idv_id,
        "applicant_id": "aplt_test",
        "status": status,
        "declared_data": {"name": "Pierre Durand"},
        "response_codes": [{"code": code, "summary": code_summary(code)} for code in codes],
        "documents": [
            {
                "document_type": "ID",
                "document_issuing_country": "FRA",
                "document_number": "24AB12CD34",
                "document_expiry_date": (date.today() + timedelta(days=3650)).isoformat(),
                "first_names": "PIERRE, FRANÇOIS",
                "last_name": "DURAND",
                "full_name": "PIERRE FRANÇOIS DURAND",
                "birth_date": "1969-08-03",
            }
        ]
        if document
        else [],
        "created_on": stamp,
        "modified_on": stamp,
        "_links": {"self": {"href": f"http://partner.invalid/v2/identity-verifications/{idv_id}"}},
    }


class ScriptedPartner:
    """The partner's API answering what the test set with `answer(...)`; counts the reads."""

    def __init__(self):
        self.verifications: dict[str, dict] = {}
        self.reads: list[str] = []
        self.url = ""

    def answer(self, idv_id: str, status: str, codes: tuple[int, ...] = (), document: bool = True):
        self.verifications[idv_id] = verification_answer(idv_id, status, codes, document)

    def __call__(self, environ, start_response):
        request = Request(environ)
        prefix = "/v2/identity-verifications/"
        idv_id = request.path.removeprefix(prefix) if request.path.startswith(prefix) else None
        if request.method == "GET" and idv_id in self.verifications:
            self.reads.append(idv_id)
            response = Response(
                json.dumps(self.verifications[idv_id]), content_type="application/json"
            )
        else:
            response = Response(
                json.dumps({"error_type": "not_found", "error_codes": []}),
                status=404,
                content_type="application/json",
            )
        return response(environ, start_response)


@pytest.fixture
def scripted_partner(app) -> Iterator[ScriptedPartner]:
    """A partner API of the test's making; the app's client talks to it."""
    partner = ScriptedPartner()
    with serve(partner) as url:
        partner.url = url
        app.config["UBBLE_API_URL"] = url
        yield partner


def closed_port_url() -> str:
    """An address where nothing listens: the partner is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def webhook_key():
    """A throwaway P-521 key standing for the partner's webhook signing key."""
    return generate_private_key()


def webhook_body(
    event_type: str,
    idv_id: str,
    status: str,
    *,
    event_id: str | None = None,
    codes: tuple[int, ...] = (),
) -> bytes:
    """A CloudEvents envelope as the partner sends it."""
    event = {
        "specversion": "2.0",
        "type": event_type,
        "subject": idv_id,
        "id": event_id or f"evnt_{secrets.token_hex(13)}",
        "time": utcnow().replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": {
            "identity_verification_id": idv_id,
            "applicant_id": "aplt_test",
            "status": status,
            "response_codes": [{"code": code, "summary": code_summary(code)} for code in codes],
        },
    }
    return json.dumps(event, separators=(",", ":")).encode()


@pytest.fixture
def post_webhook(app, client, webhook_key):
    """`post_webhook(body, timestamp=None, key=None)`: POST a webhook signed like the partner's
    (with `webhook_key`, which the app trusts); returns the response."""
    app.config["UBBLE_WEBHOOK_PUBLIC_KEY"] = public_key_pem(webhook_key)

    def post(body: bytes, *, timestamp: float | None = None, key=None, header: str | None = None):
        if header is None:
            header = sign(body, key or webhook_key, "1-test-v1", timestamp=timestamp)
        return client.post(
            WEBHOOK, data=body, headers={HEADER: header}, content_type="application/json"
        )

    return post


@pytest.fixture
def partner_events(db):
    """`partner_events()`: the stored webhook events, oldest first."""

    def events() -> list[PartnerEvent]:
        db.session.rollback()
        return list(db.session.scalars(sa.select(PartnerEvent).order_by(PartnerEvent.id)))

    return events
