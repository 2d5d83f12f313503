"""Services (the ANS applications reached through ISC): their registration, who may use them,
the consent they need, and which ones a person uses or may use.

The console, the CLI and the OpenID Connect provider call these functions; none commits.

Client secrets are 256-bit random strings shown once and stored as SHA-256 hashes. A slow hash
(argon2) protects low-entropy passwords against guessing; a secret of 256 random bits cannot be
guessed, so a fast hash protects it just as well, and keeps the token endpoint fast (argon2
would cost ~40 ms of CPU per token request).
"""

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from isc import audit
from isc.companies import find_company, guess_identifier_type, normalize_identifier
from isc.extensions import db
from isc.models import (
    ClientAuthMethod,
    Company,
    CompanyStatus,
    Consent,
    Role,
    Service,
    ServiceUse,
    User,
    UserStatus,
)
from isc.models.oidc import ALL_SCOPES
from isc.models.types import utcnow
from isc.validation import InvalidField

ID_TOKEN_ALGORITHMS = ("RS256", "ES256")
SECRET_METHODS = (ClientAuthMethod.CLIENT_SECRET_BASIC, ClientAuthMethod.CLIENT_SECRET_POST)
_JWKS_NEEDED = "Une authentification par clé privée demande les clés publiques du service (JWKS)."
_SECRET_PREFIX = "sha256:"


class ServiceError(Exception):
    """A service's settings were refused; the message is French and safe to show.

    `field` names the setting the message is about, when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- Registration -------------------------------------------------------------------------------


def create_service(
    *,
    name: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str] = (),
    description: str = "",
    logo_url: str = "",
    home_url: str = "",
    initiate_login_uri: str = "",
    backchannel_logout_uri: str = "",
    scopes: list[str] | None = None,
    auth_method: ClientAuthMethod = ClientAuthMethod.CLIENT_SECRET_BASIC,
    jwks: dict | None = None,
    id_token_signed_response_alg: str = "RS256",
    first_party: bool = False,
    companies: list[Company] | None = None,
    roles: list[Role] | None = None,
) -> tuple[Service, str | None]:
    """Register a service; returns it and its client secret (None for public and
    private_key_jwt clients). The secret is shown once: only its hash is kept.

    `companies`: the only companies whose staff may use it (None: every company);
    `roles`: the only roles that may (None or empty: every role)."""
    service = Service(client_id=new_client_id(),
                      auth_method=ClientAuthMethod(auth_method))
    db.session.add(service)
    _apply(
        service,
        name=name,
        redirect_uris=redirect_uris,
        post_logout_redirect_uris=list(post_logout_redirect_uris),
        description=description,
        logo_url=logo_url,
        home_url=home_url,
        initiate_login_uri=initiate_login_uri,
        backchannel_logout_uri=backchannel_logout_uri,
        scopes=scopes if scopes is not None else list(ALL_SCOPES),
        jwks=jwks,
        id_token_signed_response_alg=id_token_signed_response_alg,
        first_party=first_party,
    )
    _set_access(service, companies, roles)
    secret = None
    if service.auth_method in SECRET_METHODS:
        secret = _new_secret(service)
    db.session.flush()
    audit.record("service.created", target=service, client_id=service.client_id,
                 auth_method=service.auth_method.value)
    return service, secret


def update_service(service: Service, **changes) -> Service:
    """Change a service's settings (the keyword arguments of `create_service` but
    `auth_method`, `companies` and `roles`: see `set_auth_method` and `set_access`)."""
    _apply(service, **changes)
    audit.record("service.updated", target=service, fields=sorted(changes))
    return service


def set_auth_method(service: Service, method: ClientAuthMethod,
                    jwks: dict | None = None) -> str | None:
    """Change how the service authenticates; returns its new secret when it needs one."""
    service.auth_method = ClientAuthMethod(method)
    if jwks is not None:
        service.jwks = _checked_jwks(jwks)
    if service.auth_method == ClientAuthMethod.PRIVATE_KEY_JWT and not service.jwks:
        raise ServiceError(_JWKS_NEEDED, field="jwks")
    audit.record("service.auth_method_changed", target=service,
                 auth_method=service.auth_method.value)
    if service.auth_method in SECRET_METHODS:
        return _new_secret(service)
    service.client_secret_hash = None
    return None


def rotate_secret(service: Service) -> str:
    """Give the service a new client secret (the old one stops working); returns it, to be
    shown once."""
    if service.auth_method not in SECRET_METHODS:
        raise ServiceError("Ce service ne s'authentifie pas par un secret.")
    secret = _new_secret(service)
    audit.record("service.secret_rotated", target=service)
    return secret


def check_client_secret(service: Service, secret: str) -> bool:
    if not service.client_secret_hash or not secret:
        return False
    return hmac.compare_digest(service.client_secret_hash, _hash_secret(secret))


def settings_of(service: Service) -> dict:
    """A service's settings, as `update_service` takes them."""
    return {
        "name": service.name, "description": service.description, "home_url": service.home_url,
        "logo_url": service.logo_url, "initiate_login_uri": service.initiate_login_uri,
        "redirect_uris": list(service.redirect_uris),
        "post_logout_redirect_uris": list(service.post_logout_redirect_uris),
        "backchannel_logout_uri": service.backchannel_logout_uri, "scopes": service.scopes,
        "id_token_signed_response_alg": service.id_token_signed_response_alg,
        "first_party": service.first_party, "jwks": service.jwks,
    }


def change_settings(service: Service, settings: dict, *, auth_method: ClientAuthMethod,
                    companies: list[Company] | None, roles: list[Role]) -> tuple[list[str], str | None]:
    """Bring `service` to these settings, calling `set_auth_method`, `update_service` and
    `set_access` only for what changed (the audit log then says what changed); returns the
    names of the settings changed and the new secret, if any."""
    current = settings_of(service)
    changes = {name: value for name, value in settings.items() if value != current[name]}
    secret, changed = None, sorted(changes)
    if auth_method != service.auth_method:
        # First: leaving private_key_jwt lets the JWKS go; reaching it needs the JWKS.
        secret = set_auth_method(service, auth_method, jwks=settings.get("jwks"))
        changed.append("auth_method")
    if changes:
        update_service(service, **changes)
    same_companies = (companies is None and service.all_companies) or (
        companies is not None and not service.all_companies
        and {c.id for c in companies} == {c.id for c in service.companies})
    if not same_companies or sorted(Role(r).value for r in roles) != sorted(service.allowed_roles):
        set_access(service, companies=companies, roles=roles)
        changed.append("access")
    return changed, secret


def set_access(service: Service, *, companies: list[Company] | None = None,
               roles: list[Role] | None = None) -> None:
    """Say who may use the service: the listed companies only (None: every company), and
    the listed roles only (None or empty: every role)."""
    _set_access(service, companies, roles)
    audit.record("service.access_changed", target=service,
                 companies=None if companies is None
                 else [company.identifier_value for company in service.companies],
                 roles=service.allowed_roles or None)


def _set_access(service: Service, companies: list[Company] | None,
                roles: list[Role] | None) -> None:
    if companies is not None and not companies:
        raise ServiceError("Indiquez au moins une entreprise, ou ouvrez le service à toutes les entreprises.",
                           field="companies")
    service.all_companies = companies is None
    service.companies = list(companies or [])
    service.allowed_roles = sorted(Role(role).value for role in roles or [])


def find_companies(identifiers: list[str]) -> list[Company]:
    """The companies with these identifiers (SIREN, SIRET, EU VAT or foreign), to restrict a
    service to; `ServiceError` on the first one that is invalid or unknown."""
    companies = []
    for identifier in identifiers:
        kind = guess_identifier_type(identifier)
        try:
            company = find_company(kind, normalize_identifier(kind, identifier))
        except InvalidField as error:
            raise ServiceError(f"{identifier} : {error}", field="companies") from None
        if company is None:
            raise ServiceError(f"Aucune entreprise n'a l'identifiant {identifier}.",
                               field="companies")
        if company not in companies:
            companies.append(company)
    return companies


def set_active(service: Service, active: bool) -> None:
    """Open or close a service. A closed service is refused at sign-in and its tokens stop
    working."""
    service.active = active
    audit.record("service.activated" if active else "service.deactivated", target=service)


def new_client_id() -> str:
    """A random client id (192 bits) that never starts with "-": it is typed on command lines."""
    return "isc-" + secrets.token_urlsafe(24)


def find_service(client_id: str | None) -> Service | None:
    if not client_id or len(client_id) > 64:
        return None
    return db.session.scalar(sa.select(Service).where(Service.client_id == client_id))


def _new_secret(service: Service) -> str:
    secret = secrets.token_urlsafe(32)
    service.client_secret_hash = _hash_secret(secret)
    service.secret_rotated_at = utcnow()
    return secret


def _hash_secret(secret: str) -> str:
    return _SECRET_PREFIX + hashlib.sha256(secret.encode()).hexdigest()


def _apply(service: Service, **values) -> None:
    if "name" in values:
        name = (values.pop("name") or "").strip()
        if not name:
            raise ServiceError("Le nom du service est obligatoire.", field="name")
        service.name = name[:120]
    if "description" in values:
        service.description = (values.pop("description") or "").strip()
    for name in ("logo_url", "home_url"):
        if name in values:
            setattr(service, name, _checked_url(values.pop(name), name, allow_empty=True))
    for name in ("initiate_login_uri", "backchannel_logout_uri"):
        if name in values:
            url = _checked_url(values.pop(name), name, allow_empty=True, exact=True)
            setattr(service, name, url)
    if "redirect_uris" in values:
        uris = [_checked_url(uri, "redirect_uris", exact=True)
                for uri in values.pop("redirect_uris") or []]
        if not uris:
            raise ServiceError("Indiquez au moins une adresse de retour (redirect URI).",
                               field="redirect_uris")
        service.redirect_uris = list(dict.fromkeys(uris))
    if "post_logout_redirect_uris" in values:
        uris = values.pop("post_logout_redirect_uris") or []
        service.post_logout_redirect_uris = list(
            dict.fromkeys(_checked_url(uri, "post_logout_redirect_uris", exact=True)
                          for uri in uris)
        )
    if "scopes" in values:
        scopes = set(values.pop("scopes") or []) | {"openid"}
        unknown = scopes - set(ALL_SCOPES)
        if unknown:
            raise ServiceError(f"Portée inconnue : {', '.join(sorted(unknown))}.", field="scopes")
        service.allowed_scopes = " ".join(scope for scope in ALL_SCOPES if scope in scopes)
    if "jwks" in values:
        jwks = values.pop("jwks")
        service.jwks = _checked_jwks(jwks) if jwks else None
    if "id_token_signed_response_alg" in values:
        alg = values.pop("id_token_signed_response_alg") or "RS256"
        if alg not in ID_TOKEN_ALGORITHMS:
            raise ServiceError("Algorithme de signature non pris en charge (RS256 ou ES256).",
                               field="id_token_signed_response_alg")
        service.id_token_signed_response_alg = alg
    if "first_party" in values:
        service.first_party = bool(values.pop("first_party"))
    if values:
        raise TypeError(f"unknown service settings: {', '.join(sorted(values))}")
    if service.auth_method == ClientAuthMethod.PRIVATE_KEY_JWT and not service.jwks:
        raise ServiceError(_JWKS_NEEDED, field="jwks")


def _checked_url(value: str | None, field: str, *, allow_empty: bool = False,
                 exact: bool = False) -> str:
    """An absolute https URL (http only on the loopback interface), without fragment; with
    `exact`, also without user information (it is compared as a string)."""
    url = (value or "").strip()
    if not url:
        if allow_empty:
            return ""
        raise ServiceError("Adresse obligatoire.", field=field)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise ServiceError(f"Adresse invalide : {url}", field=field) from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ServiceError(f"L'adresse doit être une URL absolue en https : {url}", field=field)
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ServiceError("L'adresse doit être en https (http n'est admis que sur la boucle "
                           f"locale) : {url}", field=field)
    if parts.fragment or url.endswith("#"):
        raise ServiceError(f"L'adresse ne doit pas contenir de fragment (#) : {url}", field=field)
    if exact and (parts.username or parts.password or "*" in url):
        raise ServiceError(f"L'adresse ne doit contenir ni identifiants ni joker : {url}",
                           field=field)
    if len(url) > 500:
        raise ServiceError("L'adresse est trop longue (500 caractères au plus).", field=field)
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _checked_jwks(jwks: dict) -> dict:
    try:
        keys = KeySet.import_key_set(jwks)
    except (JoseError, ValueError, TypeError, KeyError):
        raise ServiceError("Le jeu de clés publiques (JWKS) est illisible.", field="jwks") from None
    if any(key.is_private for key in keys.keys):
        raise ServiceError("Le JWKS ne doit contenir que des clés publiques.", field="jwks")
    return {"keys": [key.as_dict(private=False) for key in keys.keys]}


# --- Who may use what ---------------------------------------------------------------------------


def may_use(user: User, service: Service) -> bool:
    """Whether `user` may sign in to `service`: both active, their company active, and the
    service open to their company and role."""
    if not service.active or user.status != UserStatus.ACTIVE:
        return False
    if user.company.status != CompanyStatus.ACTIVE:
        return False
    if service.allowed_roles and user.role.value not in service.allowed_roles:
        return False
    if service.all_companies:
        return True
    return any(company.id == user.company_id for company in service.companies)


def accessible_services(user: User) -> list[Service]:
    """The services `user` may use, by name."""
    services = db.session.scalars(
        sa.select(Service).where(Service.active.is_(True)).order_by(Service.name)
        .options(selectinload(Service.companies))  # may_use reads them: one query, not one each
    )
    return [service for service in services if may_use(user, service)]


@dataclass(frozen=True)
class UsedService:
    service: Service
    last_used_at: datetime


def services_used(user: User) -> list[UsedService]:
    """The services `user` signed in to and may still use, most recently used first."""
    last = sa.func.max(ServiceUse.last_used_at).label("last_used_at")
    rows = db.session.execute(
        sa.select(Service, last)
        .join(ServiceUse, ServiceUse.service_id == Service.id)
        .where(ServiceUse.user_id == user.id)
        .group_by(Service.id)
        .order_by(last.desc())
        .options(selectinload(Service.companies))
    ).all()
    return [UsedService(service, last_used) for service, last_used in rows
            if may_use(user, service)]


def services_overview(user: User) -> tuple[list[UsedService], list[Service]]:
    """What "Vos services" lists: the services used (with their last use), then the other
    services accessible."""
    used = services_used(user)
    used_ids = {item.service.id for item in used}
    return used, [service for service in accessible_services(user) if service.id not in used_ids]


# --- Consent ------------------------------------------------------------------------------------


def consent_needed(user: User, service: Service, scopes: set[str] | list[str]) -> bool:
    """Whether the person must be asked before `service` receives `scopes`: never for a
    first-party service; otherwise once per set of scopes (a new scope asks again)."""
    if service.first_party:
        return False
    consent = _consent(user, service)
    return consent is None or not set(scopes) <= set(consent.scope.split())


def record_consent(user: User, service: Service, scopes: set[str] | list[str]) -> Consent:
    """Remember that `user` allowed `service` to receive `scopes` (added to earlier ones)."""
    consent = _consent(user, service)
    if consent is None:
        consent = Consent(user_id=user.id, service_id=service.id, scope="")
        db.session.add(consent)
    granted = set(consent.scope.split()) | set(scopes)
    consent.scope = " ".join(scope for scope in ALL_SCOPES if scope in granted)
    consent.granted_at = utcnow()
    db.session.flush()
    audit.record("oidc.consent_given", actor=user, target=service, scope=consent.scope)
    return consent


def consents_of(user: User) -> list[Consent]:
    """The services `user` allowed, with the scopes, by service name."""
    return list(
        db.session.scalars(
            sa.select(Consent).join(Service)
            .where(Consent.user_id == user.id)
            .order_by(Service.name)
        )
    )


def forget_consent(user: User, service: Service) -> bool:
    """Withdraw what `user` allowed `service`; returns whether there was anything."""
    consent = _consent(user, service)
    if consent is None:
        return False
    db.session.delete(consent)
    audit.record("oidc.consent_withdrawn", actor=user, target=service)
    return True


def _consent(user: User, service: Service) -> Consent | None:
    return db.session.scalar(
        sa.select(Consent).where(Consent.user_id == user.id, Consent.service_id == service.id)
    )
