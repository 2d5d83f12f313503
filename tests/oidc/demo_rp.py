"""A small demo relying party (an "ANS service") for the browser tests: signs people in with
ISC (code flow, PKCE, state, nonce, ID token checked against ISC's JWKS), starts from ISC's
"Accéder" (initiate_login_uri), and honours back-channel logout.

It keeps its sessions in memory, keyed by a cookie of its own name (several demo services may
run on 127.0.0.1, where cookies are shared across ports).
"""

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from flask import Flask, abort, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet
from markupsafe import escape
from werkzeug.serving import make_server

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def _http_json(url: str, data: dict | None = None, auth: tuple[str, str] | None = None) -> dict:
    headers = {"Accept": "application/json"}
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if auth:
        headers["Authorization"] = (
            "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        )
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=body, headers=headers), timeout=10
        ) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{url} answered {error.code}: {error.read()[:500]!r}") from None


class DemoService:
    """One demo service, served on loopback by `start()`."""

    def __init__(self, name: str, issuer: str):
        self.name = name
        self.issuer = issuer
        self.cookie = "demo_" + "".join(ch for ch in name.lower() if ch.isalnum())
        self.client_id = self.client_secret = None
        self.sessions: dict[str, dict] = {}  # local session id -> sub, sid, name, id_token
        self.pending: dict[str, dict] = {}  # state -> nonce, verifier
        self.logout_tokens: list[dict] = []
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # What ISC needs to register the service.
    @property
    def registration(self) -> dict:
        return {
            "name": self.name,
            "redirect_uris": [f"{self.url}/callback"],
            "post_logout_redirect_uris": [f"{self.url}/"],
            "backchannel_logout_uri": f"{self.url}/backchannel-logout",
            "initiate_login_uri": f"{self.url}/initiate-login",
            "home_url": f"{self.url}/",
        }

    def start(self, client_id: str, client_secret: str) -> "DemoService":
        self.client_id, self.client_secret = client_id, client_secret
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _metadata(self) -> dict:
        return _http_json(f"{self.issuer}/.well-known/openid-configuration")

    def _build(self) -> Flask:
        app = Flask(f"demo-{self.name}")
        service = self

        def current():
            return service.sessions.get(request.cookies.get(service.cookie, ""))

        @app.get("/")
        def home():
            session = current()
            if session is None:
                return (
                    f"<h1>{escape(service.name)}</h1><p id='etat'>Non connecté</p>"
                    f"<a href='/login'>Se connecter avec ISC</a>"
                )
            return (
                f"<h1>{escape(service.name)}</h1>"
                f"<p id='etat'>Connecté en tant que {escape(session['name'])}</p>"
                f"<a href='/logout'>Se déconnecter de {escape(service.name)}</a>"
            )

        @app.get("/initiate-login")
        def initiate_login():
            if request.args.get("iss") != service.issuer:  # third-party initiated login: check iss
                abort(400)
            return login()

        @app.get("/login")
        def login():
            metadata = service._metadata()
            state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
            verifier = secrets.token_urlsafe(48)  # RFC 7636: 43 to 128 characters
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            service.pending[state] = {"nonce": nonce, "verifier": verifier}
            query = urllib.parse.urlencode(
                {
                    "response_type": "code",
                    "client_id": service.client_id,
                    "scope": "openid profile isc",
                    "redirect_uri": f"{service.url}/callback",
                    "state": state,
                    "nonce": nonce,
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                }
            )
            return redirect(f"{metadata['authorization_endpoint']}?{query}")

        @app.get("/callback")
        def callback():
            pending = service.pending.pop(request.args.get("state", ""), None)
            if (
                pending is None
                or request.args.get("iss") != service.issuer
                or "code" not in request.args
            ):
                abort(400)
            metadata = service._metadata()
            tokens = _http_json(
                metadata["token_endpoint"],
                {
                    "grant_type": "authorization_code",
                    "code": request.args["code"],
                    "redirect_uri": f"{service.url}/callback",
                    "code_verifier": pending["verifier"],
                },
                auth=(service.client_id, service.client_secret),
            )
            claims = service._verify(tokens["id_token"], metadata)
            if claims.get("nonce") != pending["nonce"]:
                abort(400)
            local = secrets.token_urlsafe(16)
            service.sessions[local] = {
                "sub": claims["sub"],
                "sid": claims.get("sid"),
                "name": f"{claims['given_name']} {claims['family_name']}",
                "id_token": tokens["id_token"],
            }
            response = redirect("/")
            response.set_cookie(service.cookie, local, httponly=True, samesite="Lax")
            return response

        @app.get("/logout")
        def logout():
            session = service.sessions.pop(request.cookies.get(service.cookie, ""), None)
            metadata = service._metadata()
            query = {
                "post_logout_redirect_uri": f"{service.url}/",
                "state": secrets.token_urlsafe(8),
            }
            if session:
                query["id_token_hint"] = session["id_token"]
            return redirect(f"{metadata['end_session_endpoint']}?{urllib.parse.urlencode(query)}")

        @app.post("/backchannel-logout")
        def backchannel_logout():
            claims = service._verify(
                request.form.get("logout_token", ""), service._metadata(), logout=True
            )
            service.logout_tokens.append(claims)
            for key, session in list(service.sessions.items()):
                if session["sid"] == claims.get("sid") or (
                    "sid" not in claims and session["sub"] == claims["sub"]
                ):
                    del service.sessions[key]
            return "", 200, {"Cache-Control": "no-store"}

        return app

    def _verify(self, token: str, metadata: dict, logout: bool = False) -> dict:
        keys = KeySet.import_key_set(_http_json(metadata["jwks_uri"]))
        decoded = jwt.decode(
            token, keys, algorithms=metadata["id_token_signing_alg_values_supported"]
        )
        claims = decoded.claims
        audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if (
            claims["iss"] != self.issuer
            or self.client_id not in audience
            or claims["exp"] < time.time() - 30
        ):
            abort(400)
        if logout and (
            decoded.header.get("typ") != "logout+jwt"
            or LOGOUT_EVENT not in claims.get("events", {})
            or "nonce" in claims
        ):
            abort(400)
        return claims
