"""What Authlib sees of ISC's services and tokens: thin wrappers with the methods of its
ClientMixin and TokenMixin, delegating every rule to `isc.services` and `isc.grants`."""

from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin

from isc import grants, services
from isc.models import Service, Token
from isc.models.oidc import ALL_SCOPES
from isc.models.types import utcnow


class Client(ClientMixin):
    """A service, as an OAuth 2.0 client."""

    def __init__(self, service: Service):
        self.service = service
        self.client_id = service.client_id
        self.id_token_signed_response_alg = service.id_token_signed_response_alg

    @property
    def client_metadata(self) -> dict:
        return {"post_logout_redirect_uris": list(self.service.post_logout_redirect_uris)}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # OpenID Connect: the request must name its redirect URI

    def get_allowed_scope(self, scope: str | None) -> str:
        requested = set((scope or "").split())
        allowed = requested & set(self.service.scopes)
        return " ".join(name for name in ALL_SCOPES if name in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.service.redirect_uris  # exact string match (RFC 9700 4.1.3)

    def check_client_secret(self, client_secret: str) -> bool:
        return services.check_client_secret(self.service, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.service.auth_method.value

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


def query_client(client_id: str) -> Client | None:
    service = services.find_service(client_id)
    return Client(service) if service is not None and service.active else None


class IssuedToken(TokenMixin):
    """An access or refresh token, as Authlib's endpoints handle it."""

    def __init__(self, kind: str, row: Token):
        self.kind = kind  # "access_token" or "refresh_token"
        self.row = row
        self.scope = row.scope

    def check_client(self, client: Client) -> bool:
        return self.row.family.service_id == client.service.id

    def get_scope(self) -> str:
        return self.row.scope

    def get_expires_in(self) -> int:
        row = self.row
        expires = row.access_expires_at if self.kind == "access_token" else row.refresh_expires_at
        return max(0, int((expires - utcnow()).total_seconds()))

    def is_expired(self) -> bool:
        return self.get_expires_in() <= 0

    def is_revoked(self) -> bool:
        """Revoked, spent, or unusable because of its person or service (expiry aside)."""
        if self.kind == "access_token":
            return not grants.access_token_usable(self.row)
        return not grants.refresh_token_usable(self.row)

    def get_client(self) -> Client:
        return Client(self.row.family.service)

    def get_user(self):
        return self.row.family.user
