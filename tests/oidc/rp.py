"""A relying party as the conformance suite plays it: builds authorization requests, follows
ISC's answers in a browser (a Flask test client), exchanges codes and checks ID tokens."""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet

ISSUER = "http://localhost"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    return verifier, challenge


def basic_auth(client_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def query_of(location: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


@dataclass
class Attempt:
    """One authorization request and what came back."""

    params: dict
    verifier: str | None
    response: object = None
    result: dict = field(default_factory=dict)  # query of the redirect to the service

    @property
    def code(self) -> str:
        assert "code" in self.result, f"no code: {self.result or self.response.status_code}"
        return self.result["code"]


class RelyingParty:
    def __init__(self, app, service, browser, redirect_uri: str | None = None):
        self.app = app
        self.service = service
        self.browser = browser
        self.redirect_uri = redirect_uri or service.redirect_uris[0]
        self.backend = app.test_client()  # the service's server: no cookie

    # --- Authorization ----------------------------------------------------------------------

    def params(self, pkce: bool = True, **overrides) -> tuple[dict, str | None]:
        params = {
            "response_type": "code",
            "client_id": self.service.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": "openid profile email",
            "state": secrets.token_urlsafe(12),
            "nonce": secrets.token_urlsafe(12),
        }
        verifier = None
        if pkce:
            verifier, challenge = pkce_pair()
            params.update(code_challenge=challenge, code_challenge_method="S256")
        params.update(overrides)
        return {key: value for key, value in params.items() if value is not None}, verifier

    def authorize(
        self, method: str = "GET", pkce: bool = True, follow_sign_in: bool = False, **overrides
    ) -> Attempt:
        """Send an authorization request from the browser; when it lands on the service's
        redirect URI, `attempt.result` holds the query (code or error, state, iss)."""
        params, verifier = self.params(pkce=pkce, **overrides)
        attempt = Attempt(params, verifier)
        if method == "GET":
            response = self.browser.get("/oidc/authorize?" + urlencode(params))
        else:
            response = self.browser.post("/oidc/authorize", data=params)
            assert response.status_code == 303
            response = self.browser.get(response.headers["Location"])
        attempt.response = response
        self._read(attempt)
        return attempt

    def follow(self, attempt: Attempt, response) -> Attempt:
        """Continue `attempt` with a later response (after signing in, consenting...)."""
        while response.status_code in (302, 303) and not self._at_service(response):
            response = self.browser.get(response.headers["Location"])
        attempt.response = response
        self._read(attempt)
        return attempt

    def _at_service(self, response) -> bool:
        location = response.headers.get("Location", "")
        return location.startswith(self.redirect_uri.split("?")[0]) or not location.startswith(
            ("/", "http://localhost")
        )

    def _read(self, attempt: Attempt) -> None:
        response = attempt.response
        if response.status_code in (302, 303) and self._at_service(response):
            attempt.result = query_of(response.headers["Location"])

    @staticmethod
    def sign_in_location(attempt: Attempt) -> str | None:
        location = attempt.response.headers.get("Location", "")
        return location if urlsplit(location).path == "/connexion" else None

    # --- Token endpoint ---------------------------------------------------------------------

    def token_request(self, data: dict, auth: str = "basic", secret: str | None = None):
        secret = secret if secret is not None else self.service.secret
        headers = {}
        data = dict(data)
        if auth == "basic":
            headers.update(basic_auth(self.service.client_id, secret))
        elif auth == "post":
            data.update(client_id=self.service.client_id, client_secret=secret)
        elif auth == "none":
            data.update(client_id=self.service.client_id)
        return self.backend.post("/oidc/token", data=data, headers=headers)

    def exchange(
        self,
        attempt: Attempt,
        auth: str | None = None,
        verifier: str | None = "same",
        redirect_uri: str | None = None,
    ):
        data = {
            "grant_type": "authorization_code",
            "code": attempt.code,
            "redirect_uri": redirect_uri or self.redirect_uri,
        }
        verifier = attempt.verifier if verifier == "same" else verifier
        if verifier:
            data["code_verifier"] = verifier
        return self.token_request(data, auth=auth or self._default_auth())

    def refresh(self, refresh_token: str, auth: str | None = None, **extra):
        return self.token_request(
            {"grant_type": "refresh_token", "refresh_token": refresh_token, **extra},
            auth=auth or self._default_auth(),
        )

    def _default_auth(self) -> str:
        return {"client_secret_basic": "basic", "client_secret_post": "post", "none": "none"}.get(
            self.service.auth_method.value, "basic"
        )

    def sign_in_and_get_tokens(self, **overrides) -> dict:
        attempt = self.authorize(**overrides)
        response = self.exchange(attempt)
        assert response.status_code == 200, response.get_json()
        tokens = response.get_json()
        tokens["claims"] = self.id_token_claims(
            tokens["id_token"], nonce=attempt.params.get("nonce")
        )
        return tokens

    # --- Checks -----------------------------------------------------------------------------

    def jwks(self) -> KeySet:
        return KeySet.import_key_set(self.backend.get("/oidc/jwks").get_json())

    def id_token_claims(self, id_token: str, nonce: str | None = None) -> dict:
        """Check an ID token as a relying party must (OpenID Connect Core 3.1.3.7)."""
        header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
        keys = self.jwks()
        assert header["kid"] in [key.kid for key in keys.keys], "signed with an unpublished key"
        token = jwt.decode(id_token, keys, algorithms=["RS256", "ES256"])
        claims = token.claims
        assert claims["iss"] == ISSUER
        assert claims["aud"] == self.service.client_id
        now = __import__("time").time()
        assert claims["iat"] <= now + 5 and claims["exp"] > now
        assert isinstance(claims["sub"], str) and claims["sub"]
        assert isinstance(claims["auth_time"], int)
        if nonce is not None:
            assert claims.get("nonce") == nonce
        return claims

    def userinfo(self, access_token: str, method: str = "GET", in_body: bool = False):
        if in_body:
            return self.backend.post("/oidc/userinfo", data={"access_token": access_token})
        headers = {"Authorization": f"Bearer {access_token}"}
        if method == "GET":
            return self.backend.get("/oidc/userinfo", headers=headers)
        return self.backend.post("/oidc/userinfo", headers=headers)

    def introspect(self, token: str, **extra):
        return self.backend.post(
            "/oidc/introspect",
            data={"token": token, **extra},
            headers=basic_auth(self.service.client_id, self.service.secret),
        )

    def revoke(self, token: str, **extra):
        data = {"token": token, **extra}
        if self.service.secret:
            return self.backend.post(
                "/oidc/revoke",
                data=data,
                headers=basic_auth(self.service.client_id, self.service.secret),
            )
        return self.backend.post("/oidc/revoke", data={**data, "client_id": self.service.client_id})
