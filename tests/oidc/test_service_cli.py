"""`flask isc service ...`: registering services from the command line."""

import json

import sqlalchemy as sa

from isc import services
from isc.models import ClientAuthMethod, Role, Service


def test_service_create_prints_the_client_id_and_secret_as_json(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "isc",
            "service",
            "create",
            "--name",
            "Plateforme Convergence",
            "--redirect-uri",
            "https://convergence.example.fr/callback",
            "--redirect-uri",
            "http://127.0.0.1:8400/callback",
            "--post-logout-redirect-uri",
            "https://convergence.example.fr/",
            "--first-party",
            "--json",
        ]
    )

    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    service = db.session.scalar(sa.select(Service))
    assert printed["client_id"] == service.client_id
    assert services.check_client_secret(service, printed["client_secret"])
    assert service.redirect_uris == [
        "https://convergence.example.fr/callback",
        "http://127.0.0.1:8400/callback",
    ]
    assert service.first_party and service.auth_method == ClientAuthMethod.CLIENT_SECRET_BASIC


def test_public_service_has_no_secret(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "isc",
            "service",
            "create",
            "--name",
            "Appli",
            "--redirect-uri",
            "https://appli.example.fr/cb",
            "--public",
            "--json",
        ]
    )

    assert json.loads(result.output)["client_secret"] is None
    assert db.session.scalar(sa.select(Service.auth_method)) == ClientAuthMethod.NONE


def test_access_rules_from_the_command_line(app, db, make_company):
    company = make_company()

    result = app.test_cli_runner().invoke(
        args=[
            "isc",
            "service",
            "create",
            "--name",
            "Réservé",
            "--redirect-uri",
            "https://r.example.fr/cb",
            "--company",
            company.identifier_value,
            "--role",
            "mandataire",
            "--scope",
            "email",
        ]
    )

    assert result.exit_code == 0, result.output
    service = db.session.scalar(sa.select(Service))
    assert [c.id for c in service.companies] == [company.id] and not service.all_companies
    assert service.allowed_roles == [Role.MANDATAIRE.value]
    assert service.scopes == ["openid", "email"]


def test_a_bad_redirect_uri_is_explained(app):
    result = app.test_cli_runner().invoke(
        args=["isc", "service", "create", "--name", "X", "--redirect-uri", "http://x.example.fr/cb"]
    )

    assert result.exit_code != 0
    assert "https" in result.output


def test_rotate_secret_and_list(app, db, make_service):
    service = make_service(name="Plateforme Convergence")

    rotated = app.test_cli_runner().invoke(
        args=["isc", "service", "rotate-secret", service.client_id, "--json"]
    )

    secret = json.loads(rotated.output)["client_secret"]
    db.session.expire_all()
    assert services.check_client_secret(db.session.get(Service, service.id), secret)
    assert not services.check_client_secret(db.session.get(Service, service.id), service.secret)
    listing = app.test_cli_runner().invoke(args=["isc", "service", "list"])
    assert service.client_id in listing.output and "Plateforme Convergence" in listing.output


def test_client_ids_never_start_with_a_dash_so_commands_take_them():
    assert all(not services.new_client_id().startswith("-") for _ in range(2000))
