"""`isc demo` seeds, besides the demo accounts, a mandataire's dossier in review that an agent
can open and decide at once: its Kbis stored like an upload and read by the Kbis reader, the
partner stand-in's approved check; seeded once however often the command runs."""

import hashlib
import re

import sqlalchemy as sa

from isc import review
from isc.demo import DOSSIER_APPLICANT, seed_demo
from isc.kbis import read_kbis
from isc.kbis_intake import kbis_path, upload_folder
from isc.models import (
    Agent,
    AgentRole,
    IdentityCheck,
    KbisDocument,
    KbisStatus,
    Registration,
    RegistrationStatus,
    User,
)
from tests.admin.conftest import console_sign_in, make_agent, totp_clock  # noqa: F401 (fixtures)


def _run_demo(app):
    result = app.test_cli_runner().invoke(args=["isc", "demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_demo_puts_a_read_kbis_and_an_approved_identity_check_in_review(app, db):
    output = _run_demo(app)

    registration = db.session.scalar(sa.select(Registration))
    assert registration.status == RegistrationStatus.IN_REVIEW and registration.submitted_at
    assert registration.username == DOSSIER_APPLICANT.username
    assert f"Mandataire dossier of Camille Bernard (in_review): http://localhost/admin/dossiers/{registration.id}" in output
    assert not any(line.startswith("  ") and "Bernard" in line for line in output.splitlines())  # not a credential

    kbis = registration.kbis
    path = kbis_path(kbis)
    assert path.parent == upload_folder() and re.fullmatch(r"[0-9a-f]{32}\.pdf", kbis.stored_name)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == kbis.sha256 and kbis.size == path.stat().st_size
    assert kbis.status == KbisStatus.READ and kbis.passed
    assert read_kbis(path).siren == kbis.siren == "530123454"
    assert kbis.extract["dirigeants"][0] == {"role": "Président", "last_name": "BERNARD", "first_names": "Camille"}

    check = registration.identity_check
    assert check.partner_status == "approved" and check.completed_at
    assert check.verification_id.startswith("idv_") and check.applicant_id.startswith("aplt_")
    assert [code["code"] for code in check.response_codes] == [10000]
    assert (check.document_type, check.document_country) == ("ID", "FRA")
    assert (check.first_names, check.last_name) == ("CAMILLE", "BERNARD")

    automatic = review.consistency_checks(registration)
    assert all(item.passed for item in automatic), [item for item in automatic if not item.passed]
    total, rows = review.review_queue()
    assert total == 1 and rows[0].registration.id == registration.id


def test_running_the_demo_again_seeds_no_second_dossier(app, db):
    _run_demo(app)
    second = _run_demo(app)

    assert _count(db, Registration) == 1 and _count(db, KbisDocument) == 1 and _count(db, IdentityCheck) == 1
    assert len(list(upload_folder().glob("*.pdf"))) >= 1
    registration = db.session.scalar(sa.select(Registration))
    assert f"/admin/dossiers/{registration.id}" in second


def test_a_decided_demo_dossier_is_not_seeded_again(app, db):
    seed_demo()
    db.session.commit()
    registration = db.session.scalar(sa.select(Registration))
    agent = db.session.scalar(sa.select(Agent).where(Agent.role == AgentRole.ADMINISTRATOR))
    review.claim(registration, agent)
    review.approve(registration, agent, checks={"document": True, "face": True, "names": True})
    db.session.commit()

    output = _run_demo(app)

    assert _count(db, Registration) == 1
    assert db.session.scalar(sa.select(User).where(User.username == DOSSIER_APPLICANT.username)).company.name == \
        "SANTÉ INDUSTRIE CONSEIL"
    assert "Mandataire dossier of Camille Bernard (approved)" in output


def test_an_agent_opens_the_demo_dossier_and_its_kbis_in_the_console(app, db, console_sign_in, make_agent):
    _run_demo(app)
    registration = db.session.scalar(sa.select(Registration))
    client = console_sign_in(make_agent("reviewer"))

    queue = client.get("/admin/dossiers/").get_data(as_text=True)
    page = client.get(f"/admin/dossiers/{registration.id}")
    kbis = client.get(f"/admin/dossiers/{registration.id}/kbis")

    assert "Bernard" in queue
    assert page.status_code == 200 and "SANTÉ INDUSTRIE CONSEIL" in page.get_data(as_text=True)
    assert "Prendre en charge" in page.get_data(as_text=True)
    assert kbis.status_code == 200 and kbis.data.startswith(b"%PDF-")


def test_the_demo_company_has_one_salarie_registration_to_validate_seeded_once(app, db):
    from isc.models import Demande, DemandeStatus, UserStatus

    _run_demo(app)
    _run_demo(app)

    demandes = db.session.scalars(sa.select(Demande)).all()
    assert len(demandes) == 1 and demandes[0].status == DemandeStatus.PENDING
    applicant = demandes[0].user
    assert (applicant.username, applicant.status, applicant.company.name) == ("demo.candidat", UserStatus.PENDING, "LOGIPRO")
    representant = db.session.scalar(sa.select(User).where(User.username == "demo.representant"))
    assert representant.direct_phone == "+33123456790"
