"""A mandataire's request to change their own personal details is decided by ANS in the
console (their identity was verified by ANS); the company's représentants never see it."""

import pytest
import sqlalchemy as sa

from isc import membership
from isc.models import AuditEvent, DemandeStatus
from tests.conftest import csrf_token_of

BASE = "/admin/modifications-mandataires"


@pytest.fixture
def demande(app, db, make_user, make_company):
    company = make_company(name="LOGIPRO")
    mandataire = make_user("mandataire", company=company, email="pf@logipro.fr", last_name="Durand")
    make_user("representant", company=company, email="rep@logipro.fr")
    with app.test_request_context():
        demande = membership.request_modification(
            mandataire, {"last_name": "Durand-Martin", "direct_phone": "01 23 45 67 99"}, "Mariage")
    db.session.commit()
    return demande


def test_a_mandataire_s_demande_is_listed_with_its_differences(demande, console_sign_in, make_agent):
    client = console_sign_in(make_agent("auditor"))
    listing = client.get(BASE + "/").get_data(as_text=True)
    page = client.get(f"{BASE}/{demande.id}").get_data(as_text=True)

    assert f"{BASE}/{demande.id}" in listing
    assert "Durand-Martin" in page and "+33 1 23 45 67 99" in page and "Mariage" in page
    assert "Valider la modification" not in page  # an auditor reads only


def test_nobody_of_the_company_is_asked_to_decide(demande, outbox):
    assert not [m for m in outbox.messages() if m.template == "demande_to_process"]


def test_a_reviewer_approves_and_the_mandataire_is_updated(db, demande, console_sign_in, make_agent, outbox):
    agent = make_agent("reviewer")
    client = console_sign_in(agent)
    page = client.get(f"{BASE}/{demande.id}").get_data(as_text=True)

    response = client.post(f"{BASE}/{demande.id}/valider", data={"csrf_token": csrf_token_of(page)})

    assert response.status_code == 303
    db.session.expire_all()
    assert demande.status == DemandeStatus.APPROVED and demande.decided_by_agent_id == agent.id
    assert demande.user.last_name == "Durand-Martin" and demande.user.direct_phone == "+33123456799"
    assert outbox.last("pf@logipro.fr").template == "demande_modification_approved"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "demande.modification_approved"))
    assert (event.actor_type, event.actor_id) == ("agent", agent.id)
    again = client.post(f"{BASE}/{demande.id}/valider", data={"csrf_token": csrf_token_of(page)})
    assert again.status_code == 409 and "déjà été traitée" in again.get_data(as_text=True)


def test_a_refusal_needs_a_reason_which_is_e_mailed(db, demande, console_sign_in, make_agent, outbox):
    client = console_sign_in(make_agent("administrator"))
    page = client.get(f"{BASE}/{demande.id}").get_data(as_text=True)

    empty = client.post(f"{BASE}/{demande.id}/refuser", data={"csrf_token": csrf_token_of(page), "reason": " "})
    refused = client.post(f"{BASE}/{demande.id}/refuser", data={
        "csrf_token": csrf_token_of(page), "reason": "Joignez un justificatif au support."})

    assert empty.status_code == 422 and "raison du refus" in empty.get_data(as_text=True)
    assert refused.status_code == 303
    db.session.expire_all()
    assert demande.status == DemandeStatus.REFUSED and demande.user.last_name == "Durand"
    assert "Joignez un justificatif" in outbox.last("pf@logipro.fr").text_body


def test_an_auditor_cannot_decide(demande, console_sign_in, make_agent):
    client = console_sign_in(make_agent("auditor"))
    page = client.get(f"{BASE}/{demande.id}").get_data(as_text=True)

    response = client.post(f"{BASE}/{demande.id}/valider", data={"csrf_token": csrf_token_of(page)})

    assert response.status_code == 403


def test_a_salarie_s_demande_is_not_reachable_from_the_console(app, db, make_user, make_company,
                                                                console_sign_in, make_agent):
    salarie = make_user("salarie", company=make_company())
    with app.test_request_context():
        demande = membership.request_modification(salarie, {"first_name": "Lina"}, "")
    db.session.commit()
    client = console_sign_in(make_agent("reviewer"))

    assert client.get(f"{BASE}/{demande.id}").status_code == 404
    assert client.get(f"{BASE}/999999").status_code == 404


def test_a_company_user_cannot_open_the_console_list(demande, signed_in_client_of_user):
    assert signed_in_client_of_user.get(BASE + "/").status_code == 403


@pytest.fixture
def signed_in_client_of_user(app, make_user, make_company):
    from tests.conftest import DEFAULT_PASSWORD

    user = make_user("representant", company=make_company())
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    client.post("/connexion", data={"csrf_token": csrf_token_of(page), "login": user.username,
                                    "password": DEFAULT_PASSWORD})
    return client
