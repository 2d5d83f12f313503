"""Who may sign in to which service: the companies and roles a service is open to."""

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from isc import services
from isc.models import CompanyStatus, Role


def test_a_service_restricted_to_another_company_is_refused(
    make_service, make_rp, make_company, signed_in, user
):
    other_company = make_company(name="Autre laboratoire")
    service = make_service(name="Réservé", companies=[other_company])
    rp = make_rp(service, signed_in(user))

    attempt = rp.authorize()

    assert attempt.response.status_code == 403
    page = attempt.response.get_data(as_text=True)
    assert "Vous n'avez pas accès à Réservé" in page
    assert "error=access_denied" in page and "iss=" in page


def test_prompt_none_on_a_refused_service_returns_access_denied(
    make_service, make_rp, make_company, signed_in, user
):
    service = make_service(companies=[make_company()])

    attempt = make_rp(service, signed_in(user)).authorize(prompt="none")

    assert attempt.result["error"] == "access_denied"


def test_the_listed_company_gets_in(make_service, make_rp, signed_in, user):
    service = make_service(companies=[user.company])

    assert "code" in make_rp(service, signed_in(user)).authorize().result


def test_a_service_restricted_to_mandataires(make_service, make_rp, make_user, signed_in, user):
    service = make_service(roles=[Role.MANDATAIRE])

    assert make_rp(service, signed_in(user)).authorize().response.status_code == 403
    mandataire = make_user("mandataire")
    assert "code" in make_rp(service, signed_in(mandataire)).authorize().result


def test_a_suspended_company_loses_access(make_service, make_rp, db, signed_in, user, service):
    rp = make_rp(service, signed_in(user))
    tokens = rp.sign_in_and_get_tokens()

    user.company.status = CompanyStatus.SUSPENDED
    db.session.commit()

    assert rp.authorize().response.status_code == 403
    assert rp.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_access_removed_after_a_code_was_issued_stops_the_exchange(
    make_service, make_rp, make_company, db, signed_in, user
):
    service = make_service(companies=[user.company])
    rp = make_rp(service, signed_in(user))
    attempt = rp.authorize()

    services.set_access(service, companies=[make_company()])
    db.session.commit()

    assert rp.exchange(attempt).get_json()["error"] == "invalid_grant"


def test_the_accessible_and_used_services_follow_the_rules(
    make_service, make_rp, make_company, signed_in, user
):
    open_to_all = make_service(name="Ouvert")
    mine = make_service(name="Le mien", companies=[user.company])
    make_service(name="Pas le mien", companies=[make_company()])
    make_service(name="Mandataires", roles=[Role.MANDATAIRE])
    make_rp(mine, signed_in(user)).authorize()

    used, others = services.services_overview(user)

    assert [item.service.name for item in used] == ["Le mien"]
    assert [service.name for service in others] == [open_to_all.name]


def test_the_access_denied_page_links_back_to_the_service_with_the_error(
    make_service, make_rp, make_company, signed_in, user
):
    import re

    service = make_service(companies=[make_company()])
    attempt = make_rp(service, signed_in(user)).authorize()

    link = re.search(r'href="(https://[^"]+)"', attempt.response.get_data(as_text=True)).group(1)
    assert urlsplit(link.replace("&amp;", "&")).path == urlsplit(service.redirect_uris[0]).path


def test_a_service_restricted_to_no_company_is_refused(app, make_service):
    from isc.services import ServiceError, set_access

    service = make_service()
    with app.test_request_context(), pytest.raises(ServiceError, match="au moins une entreprise") as refused:
        set_access(service, companies=[])

    assert refused.value.field == "companies" and service.all_companies


def test_changing_settings_calls_only_what_changed(app, db, make_service, make_company):
    from isc import services
    from isc.models import AuditEvent

    service = make_service(name="Portail")
    settings = services.settings_of(service) | {"name": "Portail Industriels"}
    with app.test_request_context():
        changed, secret = services.change_settings(service, settings, auth_method=service.auth_method,
                                                   companies=None, roles=[])
        db.session.commit()

    assert (changed, secret, service.name) == (["name"], None, "Portail Industriels")
    assert not db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "service.access_changed"))
