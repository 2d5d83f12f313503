"""Two agents cannot decide the same dossier; a decided dossier cannot be decided again."""

import threading

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from isc import review
from isc.extensions import db as _db
from isc.models import Agent, Registration, RegistrationStatus, ReviewDecision, User
from tests.conftest import csrf_token_of

APPROVE = {"valider-document": "y", "valider-face": "y", "valider-names": "y"}
REFUSE = {"refuser-reason": "kbis_invalid", "refuser-text": ""}


def _post(client, dossier, action, data):
    page = client.get(f"/admin/dossiers/{dossier.id}")
    return client.post(f"/admin/dossiers/{dossier.id}/{action}",
                       data={"csrf_token": csrf_token_of(page.get_data(as_text=True)), **data})


def test_a_dossier_held_by_one_agent_cannot_be_decided_by_another(db, console_sign_in, make_agent, make_dossier):
    first, second = make_agent("reviewer", full_name="Alice Martin"), make_agent("reviewer")
    dossier = make_dossier()
    alice, bob = console_sign_in(first), console_sign_in(second)

    assert _post(alice, dossier, "prendre", {}).status_code == 303
    page = bob.get(f"/admin/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Pris en charge par <strong>Alice Martin</strong>" in page
    conflict = _post(bob, dossier, "valider", APPROVE)
    assert conflict.status_code == 409
    assert "pris en charge par Alice Martin" in conflict.get_data(as_text=True)
    assert _post(bob, dossier, "refuser", REFUSE).status_code == 409

    assert _post(alice, dossier, "valider", APPROVE).status_code == 303
    again = _post(bob, dossier, "refuser", REFUSE)
    assert again.status_code in (404, 409)  # decided: no longer in review
    db.session.expire_all()
    assert dossier.status == RegistrationStatus.APPROVED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewDecision)) == 1


def test_a_decided_dossier_cannot_be_decided_again_even_by_its_agent(db, make_agent, make_dossier, app):
    agent = make_agent("reviewer")
    dossier = make_dossier()
    with app.test_request_context():
        review.approve(dossier, agent, checks={"document": True, "face": True, "names": True})
        db.session.commit()
        try:
            review.refuse(dossier, agent, reason="kbis_invalid")
        except review.ReviewConflict:
            db.session.rollback()
        else:
            raise AssertionError("decided twice")
    # Even a stale copy that still says "in review" is stopped by the conditional UPDATE.
    from isc import registration as registrations

    db.session.expire_all()
    stale = db.session.get(Registration, dossier.id)
    set_committed_value(stale, "status", RegistrationStatus.IN_REVIEW)  # in memory only, not flushed
    try:
        registrations.refuse(stale)
    except registrations.IllegalTransition:
        db.session.rollback()
    else:
        raise AssertionError("the conditional UPDATE let a second decision through")


def test_two_agents_deciding_at_the_same_moment_make_one_decision(app, db, make_agent, make_dossier):
    agents = [make_agent("reviewer").id, make_agent("reviewer").id]
    dossier_id = make_dossier().id
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(agent_id: int, approve: bool) -> None:
        with app.app_context(), app.test_request_context():
            agent = _db.session.get(Agent, agent_id)
            registration = _db.session.get(Registration, dossier_id)
            _ = (registration.kbis, registration.identity_check)  # loaded before the race
            barrier.wait()
            try:
                if approve:
                    review.approve(registration, agent, checks={"document": True, "face": True, "names": True})
                else:
                    review.refuse(registration, agent, reason="face_mismatch")
                _db.session.commit()
                outcomes.append("decided")
            except review.ReviewError:
                _db.session.rollback()
                outcomes.append("conflict")
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=decide, args=(agents[0], True)),
               threading.Thread(target=decide, args=(agents[1], False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["conflict", "decided"]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewDecision)) == 1
    decision = db.session.scalar(sa.select(ReviewDecision))
    status = db.session.get(Registration, dossier_id).status
    assert status.value == decision.outcome.value
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    assert users == (1 if status == RegistrationStatus.APPROVED else 0)
