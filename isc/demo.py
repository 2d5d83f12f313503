"""Demo data: a company with one account of each role, an ANS agent, and a mandataire's
registration waiting in review, so that a fresh installation shows every face of ISC at once.

The dossier goes through the journey's own steps: personal details, a Kbis stored like an
upload and read by the Kbis reader (a specimen, isc/demo_kbis.py), consent, then the identity
partner's answer as its local stand-in produces it for an approved check (driven here without
a browser), applied by isc/identity_checks.py, which puts the dossier in review.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from isc import accounts, agents, identity_checks, kbis_intake, membership
from isc import registration as registrations
from isc.companies import get_or_create_company
from isc.demo_kbis import Director, SpecimenKbis, specimen_kbis_pdf
from isc.extensions import db
from isc.identity import standin
from isc.identity.client import parse_identity_verification
from isc.identity.standin import answers, flow
from isc.models import Agent, AgentRole, AuditEvent, Civility, IdentifierType, Role, User
from isc.models.registration import IdentityCheck, Registration
from isc.portal.pages import CGU_VERSION

DEMO_SIREN = "842915308"
DEMO_PEOPLE = [
    (Role.MANDATAIRE, "demo.mandataire", Civility.MONSIEUR, "Pierre-François", "Durand", "0123456789"),
    (Role.REPRESENTANT, "demo.representant", Civility.MADAME, "Aline", "Durand", "0123456790"),
    (Role.SALARIE, "demo.salarie", Civility.MADAME, "Linda", "Moreau", "0123456791"),
]
DEMO_AGENT_EMAIL = "agent.demo@ans.example.fr"
# A salarié whose registration waits for the company's validation.
PENDING_APPLICANT = dict(
    username="demo.candidat", civility=Civility.MONSIEUR.value, first_name="Paul", last_name="Clérand",
    email="demo.candidat@logipro.example.fr", direct_phone="0123456793", phone="",
)
# The mandataire whose dossier waits in review, and their company (not registered yet).
DOSSIER_APPLICANT = registrations.PersonalDetails(
    username="demo.dossier", civility=Civility.MADAME.value, first_name="Camille", last_name="Bernard",
    email="camille.bernard@sante-industrie.example.fr", phone="0123456792",
)
DOSSIER_BIRTH_DATE = date(1978, 4, 12)
DOSSIER_KBIS = dict(
    siren="530123454", denomination="SANTÉ INDUSTRIE CONSEIL", legal_form="Société par actions simplifiée",
    capital="10 000,00 Euros", address="12 rue de la Paix 92000 Nanterre",
    directors=(Director("Président", "BERNARD Camille", "Le 12/04/1978 à Lyon (69)",
                        "8 rue des Lilas 75011 Paris"),),
    activity="Conseil en affaires réglementaires pour les industries de santé : dossiers de "
             "marquage CE, vigilance et accès au marché.",
)


@dataclass
class Credential:
    kind: str
    login: str
    password: str


@dataclass
class Demo:
    credentials: list[Credential]
    dossier: Registration | None  # the registration to review (None: its username is taken)


def seed_demo(password: str | None = None) -> Demo:
    """Create (or refresh) the demo accounts and give each a new password, returned to print;
    seed the dossier in review once."""
    company, _ = get_or_create_company(
        IdentifierType.SIREN, DEMO_SIREN, name="LOGIPRO",
        address="20 avenue Charles de Gaulle, 75008 Paris",
    )
    credentials = []
    for role, username, civility, first, last, phone in DEMO_PEOPLE:
        secret = password or _demo_password()
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            accounts.create_user(
                company=company, role=role, username=username, email=f"{username}@logipro.example.fr",
                first_name=first, last_name=last, civility=civility, direct_phone=phone, password=secret,
            )
        else:
            accounts.reset_password_by_support(user, secret)
        credentials.append(Credential(role.label, username, secret))
    secret = password or _demo_password()
    agent = db.session.scalar(sa.select(Agent).where(Agent.email == DEMO_AGENT_EMAIL))
    if agent is None:
        agents.create_agent(email=DEMO_AGENT_EMAIL, full_name="Agent de démonstration",
                            role=AgentRole.ADMINISTRATOR, password=secret)
    else:
        agents.set_agent_password(agent, secret)
    credentials.append(Credential("Agent ANS (console /admin)", DEMO_AGENT_EMAIL, secret))
    seed_pending_demande(company)
    return Demo(credentials, seed_review_dossier())


def seed_pending_demande(company) -> None:
    """A salarié's registration demande waiting for the demo company's validation ("Vos
    demandes à traiter"), made once: afterwards its username stays taken or erased."""
    taken = db.session.scalar(sa.select(User.id).where(User.username == PENDING_APPLICANT["username"]))
    if taken is None and not _demande_seeded(company):
        membership.request_registration(company, Role.SALARIE, PENDING_APPLICANT, CGU_VERSION)


def _demande_seeded(company) -> bool:
    return db.session.scalar(sa.select(AuditEvent.id).where(
        AuditEvent.action == "demande.registration_requested", AuditEvent.actor_label == PENDING_APPLICANT["username"],
    ).limit(1)) is not None


def seed_review_dossier() -> Registration | None:
    """The demo mandataire's registration, put in review the first time; afterwards the same
    one, whatever became of it (an agent may have decided it): never a second one. None when an
    account already uses its username."""
    existing = db.session.scalar(
        sa.select(Registration).where(Registration.username == DOSSIER_APPLICANT.username)
        .order_by(Registration.id.desc()).limit(1)
    )
    if existing is not None:
        return existing
    if db.session.scalar(sa.select(User.id).where(User.username == DOSSIER_APPLICANT.username)):
        return None
    registration = registrations.save_personal_details(DOSSIER_APPLICANT, CGU_VERSION)
    kbis = specimen_kbis_pdf(SpecimenKbis(**DOSSIER_KBIS, extract_date=date.today()))
    document = kbis_intake.store_kbis(registration, kbis, "extrait-kbis-sante-industrie-conseil.pdf")
    kbis_intake.read_document(document)  # now: the journey waits for it before the next step
    registrations.move_to_identity_step(registration)
    registrations.record_consent(registration, current_app.config["IDENTITY_CONSENT_VERSION"])
    registrations.send_to_identity_check(registration)
    _approved_identity_check(registration)
    return registration


class _StandInRecords:
    """The stand-in's records kept in memory: this verification exists for the demo only."""

    def __init__(self):
        self._records: dict[tuple[str, str], str] = {}

    def get(self, kind: str, record_id: str) -> dict | None:
        record = self._records.get((kind, record_id))
        return json.loads(record) if record is not None else None

    def put(self, kind: str, record_id: str, record: dict) -> None:
        self._records[(kind, record_id)] = json.dumps(record)


def _approved_identity_check(registration: Registration) -> None:
    """The partner stand-in's flow for an applicant who films their French identity card and
    face and is approved; its answer is applied as a webhook's would be."""
    records, public_url = _StandInRecords(), standin.public_url(current_app)
    applicant = flow.create_applicant(records, {
        "external_applicant_id": f"isc-registration-{registration.id}", "email": registration.email})
    verification, _ = flow.create_verification(records, {
        "applicant_id": applicant["id"], "declared_data": {"name": registration.full_name},
        "redirect_url": identity_checks.return_url()})
    attempt, _ = flow.create_attempt(records, verification["id"], {})
    first_names, last_name = flow.split_declared_name(registration.full_name)
    capture = flow.Capture("ID", "FRA", first_names, last_name, DOSSIER_BIRTH_DATE.isoformat())
    flow.finish_attempt(records, attempt["token"], flow.Decision("approve", capture=capture), public_url)
    answer = answers.verification_json(flow.get_verification(records, verification["id"]), public_url)
    check = IdentityCheck(registration=registration, applicant_id=applicant["id"],
                          verification_id=verification["id"], attempts=1, partner_status="pending")
    db.session.add(check)
    identity_checks.apply_verification(check, parse_identity_verification(answer))


def _demo_password() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(4))
