"""`flask --app wsgi isc service ...` and `isc keys ...`: services and signing keys."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from isc import oidc_keys, services
from isc.companies import find_company, guess_identifier_type, normalize_identifier
from isc.extensions import db
from isc.models import ClientAuthMethod, Role, Service
from isc.services import ServiceError
from isc.validation import InvalidField

service_group = AppGroup("service", help="Services (OpenID Connect clients) reached through ISC.")
keys_group = AppGroup("keys", help="The keys ISC signs its ID tokens with.")


def _fail(message: str):
    raise click.ClickException(message)


def _companies(identifiers: tuple[str, ...]):
    companies = []
    for identifier in identifiers:
        try:
            kind = guess_identifier_type(identifier)
            company = find_company(kind, normalize_identifier(kind, identifier))
        except InvalidField as error:
            _fail(str(error))
        if company is None:
            _fail(f"No company has the identifier {identifier}.")
        companies.append(company)
    return companies or None


@service_group.command("create")
@click.option("--name", required=True, help="Name shown to people (\"Plateforme Convergence\").")
@click.option("--redirect-uri", "redirect_uris", multiple=True, required=True,
              help="Where ISC may send codes (exact match; https, or http on loopback). "
                   "Repeatable.")
@click.option("--post-logout-redirect-uri", "post_logout_redirect_uris", multiple=True,
              help="Where ISC may return after an RP-initiated logout. Repeatable.")
@click.option("--backchannel-logout-uri", default="", help="Where ISC POSTs logout tokens.")
@click.option("--home-url", default="", help="The service's home page.")
@click.option("--initiate-login-uri", default="",
              help="Where \"Accéder\" sends people to start the sign-in.")
@click.option("--description", default="")
@click.option("--logo-url", default="")
@click.option("--scope", "scopes", multiple=True,
              help="A scope it may ask for (openid, profile, email, phone, address, isc); "
                   "default: all.")
@click.option("--public", is_flag=True, help="Public client (no secret; PKCE required).")
@click.option("--auth-method", type=click.Choice([m.value for m in ClientAuthMethod]),
              help="Token endpoint authentication (default: client_secret_basic, or none "
                   "with --public).")
@click.option("--jwks-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JWK Set of its public keys (private_key_jwt).")
@click.option("--id-token-alg", type=click.Choice(list(services.ID_TOKEN_ALGORITHMS)),
              default="RS256")
@click.option("--first-party", is_flag=True, help="Run by ANS: no consent screen.")
@click.option("--company", "company_identifiers", multiple=True,
              help="Only this company's staff may use it (SIREN, SIRET...). Repeatable; "
                   "default: every company.")
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]),
              help="Only this role may use it. Repeatable; default: every role.")
@click.option("--json", "as_json", is_flag=True,
              help="Print {\"client_id\": ..., \"client_secret\": ...}.")
def create_command(name, redirect_uris, post_logout_redirect_uris, backchannel_logout_uri,
                   home_url, initiate_login_uri, description, logo_url, scopes, public,
                   auth_method, jwks_file, id_token_alg, first_party, company_identifiers, roles,
                   as_json) -> None:
    """Register a service; print its client id and its secret (shown this once only)."""
    method = ClientAuthMethod(auth_method) if auth_method else (
        ClientAuthMethod.NONE if public else ClientAuthMethod.CLIENT_SECRET_BASIC
    )
    if public and method != ClientAuthMethod.NONE:
        _fail("--public cannot be combined with another --auth-method than none.")
    try:
        jwks = json.loads(jwks_file.read_text()) if jwks_file else None
    except ValueError:
        _fail("The JWKS file is not JSON.")
    try:
        service, secret = services.create_service(
            name=name, redirect_uris=list(redirect_uris),
            post_logout_redirect_uris=list(post_logout_redirect_uris),
            backchannel_logout_uri=backchannel_logout_uri, home_url=home_url,
            initiate_login_uri=initiate_login_uri, description=description, logo_url=logo_url,
            scopes=list(scopes) or None, auth_method=method, jwks=jwks,
            id_token_signed_response_alg=id_token_alg, first_party=first_party,
            companies=_companies(company_identifiers), roles=[Role(role) for role in roles] or None,
        )
    except ServiceError as error:
        _fail(str(error))
    db.session.commit()
    if as_json:
        click.echo(json.dumps({"client_id": service.client_id, "client_secret": secret}))
        return
    click.echo(f"Service {service.name} created.")
    click.echo(f"  client_id:     {service.client_id}")
    if secret:
        click.echo(f"  client_secret: {secret}")
        click.echo("Keep the secret now: ISC stores only its hash and cannot show it again.")


@service_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_command(as_json: bool) -> None:
    """List the services with their client id, authentication and access rules."""
    rows = []
    for service in db.session.scalars(db.select(Service).order_by(Service.name)):
        rows.append({
            "client_id": service.client_id,
            "name": service.name,
            "auth_method": service.auth_method.value,
            "first_party": service.first_party,
            "active": service.active,
            "scopes": service.scopes,
            "redirect_uris": service.redirect_uris,
            "companies": None if service.all_companies
            else [company.identifier_value for company in service.companies],
            "roles": service.allowed_roles or None,
        })
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        flags = [row["auth_method"]]
        flags += ["first-party"] if row["first_party"] else []
        flags += [] if row["active"] else ["inactive"]
        flags = ", ".join(flags)
        click.echo(f"{row['client_id']}  {row['name']}  ({flags})")


@service_group.command("rotate-secret")
@click.argument("client_id")
@click.option("--json", "as_json", is_flag=True)
def rotate_secret_command(client_id: str, as_json: bool) -> None:
    """Give a service a new client secret (the old one stops working at once); print it."""
    service = services.find_service(client_id)
    if service is None:
        _fail(f"No service has the client id {client_id}.")
    try:
        secret = services.rotate_secret(service)
    except ServiceError as error:
        _fail(str(error))
    db.session.commit()
    if as_json:
        click.echo(json.dumps({"client_id": service.client_id, "client_secret": secret}))
    else:
        click.echo(f"New client_secret of {service.name}: {secret}")


@keys_group.command("rotate")
def rotate_command() -> None:
    """Sign with new RS256 and ES256 keys from now on; the previous keys stay published in the
    JWKS until the ID tokens they signed have expired."""
    created = oidc_keys.rotate_keys()
    db.session.commit()
    for key in created:
        click.echo(f"New {key.alg} key {key.kid}")


@keys_group.command("list")
def list_keys_command() -> None:
    """List the signing keys: active, retired but still published, or expired."""
    oidc_keys.ensure_keys()
    db.session.commit()
    for key in oidc_keys.describe_keys():
        retired = f" retired {key['retired_at']}" if key["retired_at"] else ""
        click.echo(f"{key['kid']}  {key['alg']}  {key['state']:<9} "
                   f"created {key['created_at']}{retired}")
