"""No company can reach another's data: every route of the signed-in portal is requested, with
each method it accepts, by each role of company A, with the ids of company B's people, demandes,
sessions and services swapped in. Nothing of B is ever shown, and nothing of B changes.

The routes are read from the application's URL map: a new portal route with a parameter this
test does not know how to fill makes it fail, so it cannot silently escape the sweep.
"""

import pytest
import sqlalchemy as sa

from isc import membership, services
from isc.models import AuthSession, Company, Demande, OutboxMessage, Role, User
from tests.conftest import DEFAULT_PASSWORD, csrf_token_of

# Blueprints of the signed-in portal (the public pages, OIDC protocol endpoints, the partner's
# stand-in and the console are tested elsewhere).
PORTAL_BLUEPRINTS = {"home", "account", "collaborators", "demandes", "services", "auth"}
# Routes that end the sweeping client's own session: they cannot touch another company.
SKIPPED_ENDPOINTS = {"auth.sign_out", "auth.sign_in", "auth.forgotten_password", "auth.set_password"}
# What identifies company B and its people (lower case).
SECRETS = ("secretcorp", "secretus", "secreta", "bernardsalarie", "bernardrepresentant", "service secret de b")
# Plausible values for every form field a portal form may have, so that a POST is not refused
# for its content before the authorization is checked.
FORM_DATA = {
    "first_name": "Intrus", "last_name": "Intrus", "civility": "monsieur", "email": "intrus@example.fr",
    "direct_phone": "0123456700", "phone": "", "username": "intrus", "role": "salarie",
    "comment": "intrusion", "reason": "intrusion", "name": "Intrus SA", "head_office_address": "1 rue X",
    "current": DEFAULT_PASSWORD, "password": "a new password that is long", "confirmation":
    "a new password that is long", "confirm": "y", "q": "Bernard",
}


@pytest.fixture
def company_b(app, db, make_company, make_user, make_client, submit_as):
    """Company B with a person of each role, a pending registration, a modification demande,
    an open session and a service only B may use."""
    company = make_company(name="SECRETCORP")
    people = {
        role: make_user(role, company=company, first_name="Secretus", last_name=f"Bernard{role}",
                        email=f"secret.{role}@secretcorp.fr", username=f"secret.{role}")
        for role in ("mandataire", "representant", "salarie")
    }
    with app.test_request_context():
        registration = membership.request_registration(company, Role.SALARIE, {
            "username": "secret.applicant", "civility": "madame", "first_name": "Secreta",
            "last_name": "Bernardapplicant", "email": "secret.applicant@secretcorp.fr",
            "direct_phone": "0123456701", "phone": ""}, "1")
        modification = membership.request_modification(people["salarie"], {"first_name": "Secretissimo"}, "secret")
        service, _ = services.create_service(name="Service secret de B",
                                             redirect_uris=["https://b.example.fr/cb"], first_party=True)
        services.set_access(service, companies=[company])
    db.session.commit()
    browser = make_client()
    submit_as(browser, "/connexion", {"login": "secret.salarie", "password": DEFAULT_PASSWORD})
    session_id = db.session.scalar(sa.select(AuthSession.id).where(AuthSession.user_id == people["salarie"].id))
    return {
        "people": people, "registration": registration, "modification": modification, "service": service,
        "values": {
            "public_id": [person.public_id for person in people.values()] + [registration.user.public_id],
            "demande_id": [registration.id, modification.id],
            "session_id": [session_id],
            "client_id": [service.client_id],
        },
    }


def _snapshot(db) -> dict:
    """Everything of company B that an intruder might change."""
    db.session.expire_all()
    b = db.session.scalar(sa.select(Company).where(Company.name == "SECRETCORP"))
    users = db.session.execute(
        sa.select(User.id, User.status, User.role, User.username, User.email, User.first_name, User.last_name,
                  User.phone, User.direct_phone, User.password_hash).where(User.company_id == b.id)
        .order_by(User.id)).all()
    demandes = db.session.execute(
        sa.select(Demande.id, Demande.status, Demande.requested).where(Demande.company_id == b.id)
        .order_by(Demande.id)).all()
    sessions = db.session.execute(
        sa.select(AuthSession.id, AuthSession.ended_at).join(User).where(User.company_id == b.id)).all()
    return {"company": (b.name, b.head_office_address, b.status), "users": users, "demandes": demandes,
            "sessions": sessions}


def _portal_rules(app):
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if blueprint in PORTAL_BLUEPRINTS and rule.endpoint not in SKIPPED_ENDPOINTS:
            yield rule


def test_every_parameter_of_the_portal_routes_is_known_to_this_sweep(app):
    unknown = {(rule.rule, name) for rule in _portal_rules(app) for name in rule.arguments
               if name not in ("public_id", "demande_id", "session_id", "client_id")}
    assert unknown == set()


@pytest.mark.parametrize("role", ["mandataire", "representant", "salarie"])
def test_no_role_of_company_a_reads_or_changes_company_b(app, db, make_company, make_user, signed_in_client,
                                                         company_b, role):
    intruder = make_user(role, company=make_company(name="INTRUDERCORP"), email=f"intruder.{role}@a.fr")
    client = signed_in_client(intruder)
    token = csrf_token_of(client.get("/tableau-de-bord").get_data(as_text=True))
    before = _snapshot(db)
    mails_before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    requests = 0
    for rule in _portal_rules(app):
        combinations = [{}]
        for name in rule.arguments:
            combinations = [dict(c, **{name: value}) for c in combinations for value in company_b["values"][name]]
        for arguments in combinations:
            with app.test_request_context():
                url = app.url_map.bind("localhost").build(rule.endpoint, arguments)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                data = {"csrf_token": token, **FORM_DATA} if method == "POST" else None
                response = client.open(url, method=method, data=data)
                requests += 1
                body = response.get_data(as_text=True)
                assert response.status_code < 500, (method, url, response.status_code)
                leaked = [marker for marker in SECRETS if marker in body.lower()]
                assert not leaked, (method, url, leaked)
                if rule.arguments and method == "GET":
                    assert response.status_code in (403, 404), (method, url, response.status_code)
    assert requests > 40
    assert _snapshot(db) == before
    mails = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id).offset(mails_before)).all()
    assert not [m for m in mails if "secretcorp" in m.recipient]
