"""Two people decide the same demande: exactly one decision is made, and the other person is
told on the demande's page that it was already processed — never a 500, never two e-mails.

The stale-page tests run everywhere; the truly concurrent ones (two threads, each with its own
application context and database session) need PostgreSQL's row locks."""

import threading
import time

import pytest
import sqlalchemy as sa

from isc import membership
from isc.models import Demande, DemandeStatus, Role, User, UserStatus
from tests.conftest import csrf_token_of
from tests.portal.pages import location_path, text


@pytest.fixture
def company(make_company):
    return make_company()


@pytest.fixture
def deciders(company, make_user):
    return (make_user("mandataire", company=company, first_name="Marie", last_name="Martin"),
            make_user("representant", company=company, first_name="Rémi", last_name="Bernard"))


@pytest.fixture
def make_registration(app, db, company):
    names = iter(["alba", "brune", "carla", "dora", "elsa", "fanny", "gaia", "hanae", "iris", "jade", "kim"])

    def make() -> Demande:
        name = next(names)
        with app.test_request_context():
            demande = membership.request_registration(company, Role.SALARIE, {
                "username": name, "civility": "madame", "first_name": name.capitalize(), "last_name": "Lopez",
                "email": f"{name}@example.fr", "direct_phone": "01 23 45 67 89", "phone": "",
            }, "v1")
        db.session.commit()
        return demande

    return make


def reload(db, demande: Demande) -> Demande:
    db.session.expire_all()
    return db.session.get(Demande, demande.id)


def templates_sent(outbox, recipient: str) -> list[str]:
    return [message.template for message in outbox.messages(recipient)]


# --- Stale pages -------------------------------------------------------------------------------


def test_refusing_from_a_stale_page_after_a_validation_says_it_was_already_processed(
    db, deciders, make_registration, signed_in_client, outbox,
):
    demande = make_registration()
    first, second = (signed_in_client(person) for person in deciders)
    validate_page = first.get(f"/demandes/{demande.id}")
    refuse_page = second.get(f"/demandes/{demande.id}/refuser")  # opened before the validation

    validated = first.post(f"/demandes/{demande.id}/valider",
                           data={"csrf_token": csrf_token_of(validate_page.get_data(as_text=True))})
    refused = second.post(f"/demandes/{demande.id}/refuser",
                          data={"csrf_token": csrf_token_of(refuse_page.get_data(as_text=True)),
                                "reason": "Je ne la connais pas."})

    assert validated.status_code == 303
    assert refused.status_code == 303 and location_path(refused) == f"/demandes/{demande.id}"
    page = text(second.get(location_path(refused)))
    assert membership.ALREADY_DECIDED in page
    assert "Statut : Validée" in page and "validée par Marie Martin" in page
    assert reload(db, demande).status == DemandeStatus.APPROVED
    assert db.session.get(User, demande.user_id).status == UserStatus.ACTIVE
    assert templates_sent(outbox, "alba@example.fr") == ["demande_registration_received", "password_setup"]


def test_validating_from_a_stale_page_after_a_refusal_says_it_was_already_processed(
    db, deciders, make_registration, signed_in_client, submit_as, outbox,
):
    demande = make_registration()
    first, second = (signed_in_client(person) for person in deciders)
    stale = second.get(f"/demandes/{demande.id}")

    refused = submit_as(first, f"/demandes/{demande.id}/refuser", {"reason": "Personne inconnue"})
    validated = second.post(f"/demandes/{demande.id}/valider",
                            data={"csrf_token": csrf_token_of(stale.get_data(as_text=True))})

    assert refused.status_code == 303
    assert validated.status_code == 303 and location_path(validated) == f"/demandes/{demande.id}"
    page = text(second.get(location_path(validated)))
    assert membership.ALREADY_DECIDED in page
    assert "Statut : Refusée" in page and "refusée par Marie Martin" in page
    assert reload(db, demande).status == DemandeStatus.REFUSED
    assert db.session.get(User, demande.user_id).status == UserStatus.DELETED


def test_validating_twice_sends_one_e_mail(db, deciders, make_registration, signed_in_client, outbox):
    demande = make_registration()
    first, second = (signed_in_client(person) for person in deciders)
    pages = [browser.get(f"/demandes/{demande.id}") for browser in (first, second)]

    responses = [browser.post(f"/demandes/{demande.id}/valider",
                              data={"csrf_token": csrf_token_of(page.get_data(as_text=True))})
                 for browser, page in zip((first, second), pages)]

    assert [location_path(response) for response in responses] == ["/demandes?type=inscription",
                                                                    f"/demandes/{demande.id}"]
    assert membership.ALREADY_DECIDED in text(second.get(f"/demandes/{demande.id}"))
    assert templates_sent(outbox, "alba@example.fr").count("password_setup") == 1


# --- At the same moment (PostgreSQL) ---------------------------------------------------------------


@pytest.fixture
def postgresql(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL's row locks")


def decide(app, action: str, actor_id: int, demande_id: int, outcome: dict, *, moved=None, release=None):
    """In a thread of its own, with its own application context and session: decide, then
    commit (after `release`, when given); `outcome[action]` is "won" or the French message."""
    from isc.extensions import db

    with app.test_request_context():  # a context of this thread: its own session
        try:
            actor = db.session.get(User, actor_id)
            demande = membership.find_for(actor, demande_id)
            if action == "approve":
                membership.approve(demande, actor)
            else:
                membership.refuse(demande, actor, "Refusée au même moment")
            if moved is not None:
                moved.set()
                release.wait(10)
            db.session.commit()
            outcome[action] = "won"
        except membership.MembershipError as error:
            db.session.rollback()
            outcome[action] = str(error)
        except Exception as error:  # reported to the test, which fails on it
            db.session.rollback()
            outcome[action] = repr(error)
        finally:
            if moved is not None:
                moved.set()
            db.session.remove()


def waiting_on_a_lock(db) -> bool:
    with db.engine.connect() as connection:
        return bool(connection.scalar(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )))


def test_a_refusal_waiting_on_a_validation_in_progress_loses(
    app, db, postgresql, deciders, make_registration, outbox,
):
    demande = make_registration()
    outcome: dict[str, str] = {}
    moved, release = threading.Event(), threading.Event()
    validating = threading.Thread(target=decide, args=(app, "approve", deciders[0].id, demande.id, outcome),
                                  kwargs={"moved": moved, "release": release})
    refusing = threading.Thread(target=decide, args=(app, "refuse", deciders[1].id, demande.id, outcome))

    validating.start()
    assert moved.wait(10)  # the validation holds the demande's row, not yet committed
    refusing.start()
    deadline = time.monotonic() + 10
    while not waiting_on_a_lock(db) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert waiting_on_a_lock(db), "the refusal should be waiting for the validation's lock"
    release.set()
    validating.join(10), refusing.join(10)

    assert outcome == {"approve": "won", "refuse": membership.ALREADY_DECIDED}
    decided = reload(db, demande)
    assert decided.status == DemandeStatus.APPROVED and decided.decided_by_id == deciders[0].id
    assert templates_sent(outbox, "alba@example.fr") == ["demande_registration_received", "password_setup"]


@pytest.mark.parametrize("round_", range(5))
def test_simultaneous_validation_and_refusal_exactly_one_wins(
    app, db, postgresql, deciders, make_registration, outbox, round_,
):
    demande = make_registration()
    outcome: dict[str, str] = {}
    start = threading.Barrier(2)

    demande_id = demande.id

    def at_once(action, actor_id):
        start.wait(10)
        decide(app, action, actor_id, demande_id, outcome)

    threads = [threading.Thread(target=at_once, args=("approve", deciders[0].id)),
               threading.Thread(target=at_once, args=("refuse", deciders[1].id))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(outcome.values()) == sorted(["won", membership.ALREADY_DECIDED]), outcome
    decided = reload(db, demande)
    winner = "approve" if outcome["approve"] == "won" else "refuse"
    assert decided.status == {"approve": DemandeStatus.APPROVED, "refuse": DemandeStatus.REFUSED}[winner]
    decisions = [template for template in templates_sent(outbox, "alba@example.fr")
                 if template in ("password_setup", "demande_registration_refused")]
    assert len(decisions) == 1


def test_simultaneous_posts_of_two_browsers_never_fail(app, db, postgresql, deciders, make_registration,
                                                      signed_in_client, outbox):
    demande = make_registration()
    browsers = [signed_in_client(person) for person in deciders]
    tokens = [csrf_token_of(browser.get(f"/demandes/{demande.id}").get_data(as_text=True)) for browser in browsers]
    start = threading.Barrier(2)
    responses = {}

    def post(index, path, data):
        start.wait(10)
        responses[index] = browsers[index].post(path, data={"csrf_token": tokens[index], **data})

    threads = [
        threading.Thread(target=post, args=(0, f"/demandes/{demande.id}/valider", {})),
        threading.Thread(target=post, args=(1, f"/demandes/{demande.id}/refuser", {"reason": "Inconnue"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert [responses[i].status_code for i in (0, 1)] == [303, 303]
    landed = sorted(location_path(responses[i]) for i in (0, 1))
    assert landed == sorted(["/demandes?type=inscription", f"/demandes/{demande.id}"])
    assert reload(db, demande).status in (DemandeStatus.APPROVED, DemandeStatus.REFUSED)
