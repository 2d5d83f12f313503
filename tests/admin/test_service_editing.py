"""Administrators edit a service from the console (its settings, who may use it, how it
authenticates) through the service functions, which validate in French and audit; reviewers and
auditors cannot, whatever they send."""

import json

import pytest
import sqlalchemy as sa

from isc import services
from isc.models import AuditEvent, ClientAuthMethod, Role, Service
from isc.models.oidc import ALL_SCOPES
from tests.conftest import csrf_token_of


@pytest.fixture
def service(db):
    service, _ = services.create_service(name="Plateforme Convergence",
                                         redirect_uris=["https://convergence.example.fr/callback"])
    db.session.commit()
    return service


def _edit_url(service) -> str:
    return f"/admin/services/edit/?id={service.id}"


def _form(client, service) -> dict:
    """The edit form as a browser sends it unchanged (its fields show the current settings)."""
    html = client.get(_edit_url(service)).get_data(as_text=True)
    assert all(uri in html for uri in service.redirect_uris + service.post_logout_redirect_uris)
    data = {
        "csrf_token": csrf_token_of(html), "name": service.name, "description": service.description,
        "home_url": service.home_url, "logo_url": service.logo_url,
        "initiate_login_uri": service.initiate_login_uri, "redirect_uris": "\n".join(service.redirect_uris),
        "post_logout_redirect_uris": "\n".join(service.post_logout_redirect_uris),
        "backchannel_logout_uri": service.backchannel_logout_uri, "scopes": service.scopes,
        "id_token_signed_response_alg": service.id_token_signed_response_alg,
        "auth_method": service.auth_method.value, "jwks": "",
        "access": "all" if service.all_companies else "listed",
        "companies": "\n".join(company.identifier_value for company in service.companies),
        "roles": service.allowed_roles,
    }
    if service.first_party:
        data["first_party"] = "y"
    return data


def _post(client, service, **changes):
    data = _form(client, service) | changes
    return client.post(_edit_url(service), data={k: v for k, v in data.items() if v is not None})


def _events(db, action):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_an_administrator_edits_a_service_and_each_change_is_audited(db, console_sign_in, make_agent,
                                                                     make_company, service):
    admin = make_agent("administrator")
    company = make_company(name="LOGIPRO")
    client = console_sign_in(admin)
    assert f"/admin/services/edit/?id={service.id}" in client.get("/admin/services/").get_data(as_text=True)

    response = _post(client, service, name="Convergence 2", first_party="y", id_token_signed_response_alg="ES256",
                     redirect_uris="https://convergence.example.fr/callback\nhttps://convergence.example.fr/cb2",
                     post_logout_redirect_uris="https://convergence.example.fr/au-revoir",
                     backchannel_logout_uri="https://convergence.example.fr/logout",
                     scopes=["openid", "profile", "isc"], access="listed",
                     companies=company.identifier_value, roles=["mandataire", "representant"])

    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert service.name == "Convergence 2" and service.first_party
    assert service.redirect_uris == ["https://convergence.example.fr/callback", "https://convergence.example.fr/cb2"]
    assert service.post_logout_redirect_uris == ["https://convergence.example.fr/au-revoir"]
    assert service.backchannel_logout_uri == "https://convergence.example.fr/logout"
    assert service.scopes == ["openid", "profile", "isc"] and service.id_token_signed_response_alg == "ES256"
    assert not service.all_companies and service.companies == [company]
    assert service.allowed_roles == ["mandataire", "representant"]
    assert service.auth_method == ClientAuthMethod.CLIENT_SECRET_BASIC  # unchanged, secret kept
    updated, = _events(db, "service.updated")
    assert updated.actor_id == admin.id and updated.actor_type == "agent"
    assert set(updated.details["fields"]) == {"name", "first_party", "id_token_signed_response_alg",
                                              "redirect_uris", "post_logout_redirect_uris",
                                              "backchannel_logout_uri", "scopes"}
    access, = _events(db, "service.access_changed")
    assert access.details == {"companies": [company.identifier_value], "roles": ["mandataire", "representant"]}
    assert "Service modifié." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_submitting_the_form_unchanged_changes_nothing(db, console_sign_in, make_agent, service):
    client = console_sign_in(make_agent("administrator"))
    before = service.client_secret_hash

    response = _post(client, service)

    assert response.status_code == 303
    assert "Aucune modification." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert service.client_secret_hash == before and service.scopes == list(ALL_SCOPES)
    assert not _events(db, "service.updated") and not _events(db, "service.access_changed")


@pytest.mark.parametrize(("changes", "message"), [
    ({"redirect_uris": "http://convergence.example.fr/callback"}, "L&#39;adresse doit être en https"),
    ({"redirect_uris": ""}, "Au moins une adresse de retour est obligatoire."),
    ({"backchannel_logout_uri": "https://convergence.example.fr/logout#x"}, "ne doit pas contenir de fragment"),
    ({"name": "  "}, "Le nom"),
    ({"access": "listed", "companies": "842915308"}, "Aucune entreprise n&#39;a l&#39;identifiant 842915308."),
    ({"access": "listed", "companies": ""}, "Indiquez au moins une entreprise"),
    ({"auth_method": "private_key_jwt"}, "demande les clés publiques du service"),
    ({"auth_method": "private_key_jwt", "jwks": "pas du JSON"}, "Le JWKS doit être un document JSON"),
])
def test_refused_settings_are_explained_in_french_and_change_nothing(db, console_sign_in, make_agent, service,
                                                                     changes, message):
    client = console_sign_in(make_agent("administrator"))

    response = _post(client, service, **changes)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "Le service n'a pas été enregistré" in page
    db.session.expire_all()
    assert service.name == "Plateforme Convergence" and service.all_companies
    assert service.auth_method == ClientAuthMethod.CLIENT_SECRET_BASIC
    assert not _events(db, "service.updated")


def test_changing_the_authentication_shows_a_new_secret_once_or_drops_it(db, console_sign_in, make_agent, service):
    client = console_sign_in(make_agent("administrator"))
    old_hash = service.client_secret_hash

    response = _post(client, service, auth_method="client_secret_post")

    assert response.status_code == 200
    secret = response.get_data(as_text=True).split('class="isc-secret">')[2].split("<")[0]
    db.session.expire_all()
    assert service.auth_method == ClientAuthMethod.CLIENT_SECRET_POST
    assert service.client_secret_hash != old_hash and services.check_client_secret(service, secret)
    assert secret not in client.get(_edit_url(service)).get_data(as_text=True)

    assert _post(client, service, auth_method="none").status_code == 303
    db.session.expire_all()
    assert service.auth_method == ClientAuthMethod.NONE and service.client_secret_hash is None
    assert [e.details["auth_method"] for e in _events(db, "service.auth_method_changed")] == [
        "client_secret_post", "none"]


def test_a_private_key_jwt_service_gets_its_public_keys(db, console_sign_in, make_agent, service):
    from joserfc.jwk import ECKey

    public = ECKey.generate_key("P-256", private=True).as_dict(private=False)
    client = console_sign_in(make_agent("administrator"))

    response = _post(client, service, auth_method="private_key_jwt", jwks=json.dumps({"keys": [public]}))

    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert service.auth_method == ClientAuthMethod.PRIVATE_KEY_JWT and service.client_secret_hash is None
    assert service.jwks["keys"][0]["x"] == public["x"]


@pytest.mark.parametrize("role", ["reviewer", "auditor"])
def test_reviewers_and_auditors_cannot_edit_a_service(db, console_sign_in, make_agent, service, role):
    client = console_sign_in(make_agent(role))
    listing = client.get("/admin/services/").get_data(as_text=True)
    details = client.get(f"/admin/services/details/?id={service.id}").get_data(as_text=True)
    assert "/admin/services/edit/" not in listing and "/admin/services/edit/" not in details

    assert client.get(_edit_url(service)).status_code == 403
    response = client.post(_edit_url(service), data={
        "csrf_token": csrf_token_of(listing), "name": "Piraté", "redirect_uris": "https://evil.example/cb",
        "auth_method": "none", "access": "all"})
    assert response.status_code == 403
    db.session.expire_all()
    assert service.name == "Plateforme Convergence" and service.auth_method == ClientAuthMethod.CLIENT_SECRET_BASIC
    assert not _events(db, "service.updated")


def test_an_edit_without_the_csrf_token_is_refused(db, console_sign_in, make_agent, service):
    client = console_sign_in(make_agent("administrator"))
    data = _form(client, service) | {"name": "Sans jeton"}
    del data["csrf_token"]

    assert client.post(_edit_url(service), data=data).status_code == 400
    db.session.expire_all()
    assert service.name == "Plateforme Convergence"


def test_a_service_is_registered_for_some_companies_and_roles_only(db, console_sign_in, make_agent, make_company):
    company = make_company()
    client = console_sign_in(make_agent("administrator"))
    page = client.get("/admin/services/new/").get_data(as_text=True)

    response = client.post("/admin/services/new/", data={
        "csrf_token": csrf_token_of(page), "name": "Service restreint", "auth_method": "client_secret_basic",
        "redirect_uris": "https://restreint.example.fr/cb", "scopes": ["openid", "email"],
        "id_token_signed_response_alg": "RS256", "access": "listed", "companies": company.identifier_value,
        "roles": ["salarie"]})

    assert response.status_code == 200 and "Service enregistré" in response.get_data(as_text=True)
    service = db.session.scalar(sa.select(Service))
    assert service.companies == [company] and service.allowed_roles == [Role.SALARIE.value]
    assert service.scopes == ["openid", "email"]
