"""An agent reviews a mandataire's dossier and approves it (the account is created and the
set-password e-mail sent) or refuses it (the reason is e-mailed)."""

import sqlalchemy as sa

from isc.models import (
    AuditEvent,
    Company,
    RegistrationStatus,
    ReviewDecision,
    Role,
    User,
    UserStatus,
)
from tests.admin.conftest import location_path
from tests.conftest import csrf_token_of

FIRST_PASSWORD = "une phrase de passe assez longue"


def _decide(client, dossier, action, data):
    page = client.get(f"/admin/dossiers/{dossier.id}")
    return client.post(f"/admin/dossiers/{dossier.id}/{action}",
                       data={"csrf_token": csrf_token_of(page.get_data(as_text=True)), **data})


APPROVE = {"valider-document": "y", "valider-face": "y", "valider-names": "y"}


def test_approval_creates_the_mandataire_who_sets_a_password_and_signs_in(
    app, db, console_sign_in, make_agent, make_dossier, outbox, post_form
):
    agent = make_agent("reviewer")
    dossier = make_dossier(first_name="Pierre-François", last_name="Durand", email="pf.durand@logipro.fr")
    client = console_sign_in(agent)

    queue = client.get("/admin/dossiers/").get_data(as_text=True)
    assert "Pierre-François Durand" in queue and "LOGIPRO" in queue
    page = client.get(f"/admin/dossiers/{dossier.id}").get_data(as_text=True)
    for expected in ("Conforme", "Authenticité de la pièce d&#39;identité", "842915308", "Président"):
        assert expected in page
    assert 'data-check="names_kbis"' in page

    claimed = _decide(client, dossier, "prendre", {})
    assert claimed.status_code == 303
    assert "Pris en charge par <strong>" + agent.full_name in client.get(f"/admin/dossiers/{dossier.id}").get_data(as_text=True)

    incomplete = _decide(client, dossier, "valider", {"valider-document": "y"})
    assert incomplete.status_code == 422
    assert "Cochez les trois vérifications" in incomplete.get_data(as_text=True)

    response = _decide(client, dossier, "valider", APPROVE)
    assert response.status_code == 303, response.get_data(as_text=True)

    db.session.expire_all()
    assert dossier.status == RegistrationStatus.APPROVED and dossier.decided_at is not None
    user = db.session.scalar(sa.select(User).where(User.email == "pf.durand@logipro.fr"))
    assert (user.role, user.status, user.first_name) == (Role.MANDATAIRE, UserStatus.ACTIVE, "Pierre-François")
    assert user.company.identifier_value == "842915308" and user.company.name == "LOGIPRO"
    decision = db.session.scalar(sa.select(ReviewDecision))
    assert decision.agent_id == agent.id and decision.user_id == user.id and decision.company_created
    assert decision.checks == {"document": True, "face": True, "names": True}
    approved = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "review.approved"))
    assert (approved.actor_type, approved.actor_id) == ("agent", agent.id)

    message = outbox.last(user.email)
    assert message.template == "password_setup"
    link = next(l for l in outbox.links(message) if "/mot-de-passe/definir/" in l)
    path = link.replace("http://localhost", "")
    setup = post_form(app.test_client(), path, path, {"password": FIRST_PASSWORD, "confirmation": FIRST_PASSWORD})
    assert setup.status_code == 303
    signed_in = post_form(app.test_client(), "/connexion", "/connexion",
                          {"login": user.username, "password": FIRST_PASSWORD})
    assert signed_in.status_code == 303 and location_path(signed_in) == "/tableau-de-bord"


def test_approval_links_an_existing_company(db, console_sign_in, make_agent, make_dossier, make_company):
    company = make_company(identifier_value="842915308", name="LOGIPRO historique")
    dossier = make_dossier()
    client = console_sign_in(make_agent("administrator"))
    page = client.get(f"/admin/dossiers/{dossier.id}").get_data(as_text=True)
    assert "LOGIPRO historique" in page  # the "company already registered" check says so
    assert _decide(client, dossier, "valider", APPROVE).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) == 1
    assert db.session.scalar(sa.select(User).where(User.email == dossier.email)).company_id == company.id


def test_refusal_emails_the_templated_reason_and_the_agents_words(db, console_sign_in, make_agent, make_dossier, outbox):
    agent = make_agent("reviewer")
    dossier = make_dossier(email="refuse@entreprise.fr")
    client = console_sign_in(agent)

    no_text = _decide(client, dossier, "refuser", {"refuser-reason": "other", "refuser-text": ""})
    assert no_text.status_code == 422
    response = _decide(client, dossier, "refuser", {
        "refuser-reason": "face_mismatch", "refuser-text": "La vidéo du visage est trop sombre.",
    })
    assert response.status_code == 303

    db.session.expire_all()
    assert dossier.status == RegistrationStatus.REFUSED
    assert db.session.scalar(sa.select(User).where(User.email == "refuse@entreprise.fr")) is None
    decision = db.session.scalar(sa.select(ReviewDecision))
    assert (decision.outcome.value, decision.reason_code) == ("refused", "face_mismatch")
    message = outbox.last("refuse@entreprise.fr")
    assert message.template == "registration_refused"
    assert "Le visage filmé ne correspond pas à la photo" in message.text_body
    assert "La vidéo du visage est trop sombre." in message.text_body
    assert "Refusé par " + agent.full_name in client.get(f"/admin/dossiers/{dossier.id}").get_data(as_text=True)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "review.refused")).actor_id == agent.id


def test_consistency_checks_flag_what_does_not_match(db, console_sign_in, make_agent, make_dossier):
    from datetime import date, timedelta

    dossier = make_dossier(
        first_name="Marie", last_name="Curie",
        kbis={"siren": "842915309", "extract_date": date.today() - timedelta(days=200),
              "dirigeants": [{"role": "Commissaire aux comptes titulaire", "last_name": "CURIE", "first_names": "Marie"}]},
        identity={"partner_status": "declined", "response_codes": [{"code": 62304, "summary": "face"}],
                  "last_name": "DUPONT", "first_names": "JEANNE", "document_expiry": date(2020, 1, 1)},
    )
    from isc import review

    results = {check.code: check.passed for check in review.consistency_checks(dossier)}
    assert results == {"names_id_document": False, "names_kbis": False, "kbis_age": False, "siren_valid": False,
                       "company_not_registered": True, "partner_verdict": False, "document_valid": False}
    client = console_sign_in(make_agent("reviewer"))
    refused = _decide(client, dossier, "valider", APPROVE)
    assert refused.status_code == 422  # an invalid SIREN cannot make a company
    assert "ne donne pas de SIREN valide" in refused.get_data(as_text=True)


def test_queue_lists_oldest_first_and_marks_overdue_dossiers(db, console_sign_in, make_agent, make_dossier):
    from datetime import timedelta

    recent = make_dossier(last_name="Recent", waited=timedelta(hours=1))
    old = make_dossier(last_name="Ancien", waited=timedelta(hours=30))
    client = console_sign_in(make_agent("auditor"))
    page = client.get("/admin/dossiers/").get_data(as_text=True)
    assert page.index("Ancien") < page.index("Recent")
    assert page.count("En retard</span>") == 1
    overdue = client.get("/admin/dossiers/?filtre=overdue").get_data(as_text=True)
    assert "Ancien" in overdue and "Recent" not in overdue
    found = client.get("/admin/dossiers/?q=recent").get_data(as_text=True)
    assert "Recent" in found and "Ancien" not in found
    assert f">{old.id}</a>" in client.get("/admin/dossiers/?q=842915308").get_data(as_text=True)
    home = client.get("/admin/").get_data(as_text=True)
    assert 'id="figure-waiting">2<' in home and 'id="figure-overdue">1<' in home
    assert recent.id
