"""A mandataire asks ANS to change their company's details; an agent approves or refuses,
and the requester is told by e-mail."""

import pytest
import sqlalchemy as sa

from isc import company_changes
from isc.company_changes import ChangeRequestError, request_company_change
from isc.models import AuditEvent, ChangeStatus, UserStatus
from tests.conftest import csrf_token_of


@pytest.fixture
def mandataire(make_user, make_company):
    company = make_company(name="LOGIPRO", head_office_address="20 avenue Charles de Gaulle 75008 Paris")
    return make_user("mandataire", company=company, email="pf@logipro.fr")


def test_a_mandataire_requests_a_change_kept_with_the_current_values(app, db, mandataire):
    change = request_company_change(mandataire, {"name": "LOGIPRO SANTÉ", "head_office_address":
                                                 "20 avenue Charles de Gaulle 75008 Paris"}, "Nouveau nom")
    db.session.commit()
    assert change.requested == {"name": "LOGIPRO SANTÉ"}  # the unchanged address is left out
    assert change.previous == {"name": "LOGIPRO"}
    assert change.status == ChangeStatus.PENDING and change.comment == "Nouveau nom"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "company_change.requested"))
    assert (event.actor_type, event.actor_id) == ("user", mandataire.id)


@pytest.mark.parametrize("role, values, message", [
    ("salarie", {"name": "X"}, "Seul un mandataire"),
    ("mandataire", {"siren": "123"}, "ne peuvent pas être modifiées"),
    ("mandataire", {"name": "  "}, "obligatoire"),
    ("mandataire", {"name": "Entreprise 1"}, "aucune information"),
])
def test_invalid_requests_are_refused(app, make_user, make_company, role, values, message):
    user = make_user(role, company=make_company(name="Entreprise 1"))
    with pytest.raises(ChangeRequestError, match=message):
        request_company_change(user, values, "")


def test_one_request_at_a_time_per_company(app, db, mandataire):
    request_company_change(mandataire, {"name": "A"}, "")
    with pytest.raises(ChangeRequestError, match="déjà en cours"):
        request_company_change(mandataire, {"name": "B"}, "")


def test_an_agent_approves_a_change_and_the_company_is_updated(app, db, mandataire, console_sign_in, make_agent, outbox):
    change = request_company_change(mandataire, {"name": "LOGIPRO SANTÉ"}, "Changement de dénomination")
    db.session.commit()
    agent = make_agent("reviewer")
    client = console_sign_in(agent)
    page = client.get(f"/admin/modifications/{change.id}").get_data(as_text=True)
    assert "LOGIPRO SANTÉ" in page and "Changement de dénomination" in page and "Valeur actuelle" in page
    assert "Raison sociale" in client.get("/admin/modifications/").get_data(as_text=True)
    response = client.post(f"/admin/modifications/{change.id}/valider", data={"csrf_token": csrf_token_of(page)})
    assert response.status_code == 303
    db.session.expire_all()
    assert mandataire.company.name == "LOGIPRO SANTÉ"
    assert change.status == ChangeStatus.APPROVED and change.decided_by_id == agent.id
    message = outbox.last("pf@logipro.fr")
    assert message.template == "company_change_approved" and "LOGIPRO SANTÉ" in message.text_body
    again = client.post(f"/admin/modifications/{change.id}/valider", data={"csrf_token": csrf_token_of(page)})
    assert again.status_code == 409


def test_an_agent_refuses_a_change_with_a_reason(app, db, mandataire, console_sign_in, make_agent, outbox):
    change = request_company_change(mandataire, {"head_office_address": "1 rue de la Paix 75002 Paris"}, "")
    db.session.commit()
    client = console_sign_in(make_agent("administrator"))
    page = client.get(f"/admin/modifications/{change.id}").get_data(as_text=True)
    empty = client.post(f"/admin/modifications/{change.id}/refuser", data={"csrf_token": csrf_token_of(page), "comment": ""})
    assert empty.status_code == 422
    response = client.post(f"/admin/modifications/{change.id}/refuser", data={
        "csrf_token": csrf_token_of(page), "comment": "Joignez un Kbis à jour au support."})
    assert response.status_code == 303
    db.session.expire_all()
    assert change.status == ChangeStatus.REFUSED
    assert mandataire.company.head_office_address == "20 avenue Charles de Gaulle 75008 Paris"
    message = outbox.last("pf@logipro.fr")
    assert message.template == "company_change_refused" and "Joignez un Kbis à jour" in message.text_body


def test_an_auditor_cannot_decide_a_change(app, db, mandataire, console_sign_in, make_agent):
    change = request_company_change(mandataire, {"name": "X"}, "")
    db.session.commit()
    client = console_sign_in(make_agent("auditor"))
    page = client.get(f"/admin/modifications/{change.id}").get_data(as_text=True)
    assert "Valider la modification" not in page
    assert client.post(f"/admin/modifications/{change.id}/valider", data={"csrf_token": csrf_token_of(page)}).status_code == 403
    with pytest.raises(ChangeRequestError):
        company_changes.approve_change(change, make_agent("auditor"))
    assert mandataire.status == UserStatus.ACTIVE


@pytest.mark.parametrize("values, comment", [({"name": "ACME\x00"}, ""), ({"name": "ACME"}, "fin\x00")])
def test_control_characters_are_refused_in_a_company_change(app, mandataire, values, comment):
    with pytest.raises(ChangeRequestError, match="non autorisés"):
        request_company_change(mandataire, values, comment)
