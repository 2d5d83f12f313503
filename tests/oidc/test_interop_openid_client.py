"""Interoperability: ISC on loopback driven by openid-client v6 (an OpenID-certified relying
party library, run by node) through discovery, code + PKCE, ID token validation, userinfo,
refresh, introspection, revocation and RP-initiated logout, for a confidential and a public
client. Skipped, with the reason, when node or npm is missing."""

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_PASSWORD

INTEROP = Path(__file__).with_name("interop")


@pytest.fixture(scope="session")
def openid_client() -> Path:
    """The interop folder with openid-client installed (npm ci from the lockfile)."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("node and npm are needed to run openid-client (install Node.js 20+)")
    if not (INTEROP / "node_modules" / "openid-client").is_dir():
        result = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=INTEROP,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            pytest.skip(f"npm ci failed (offline?): {result.stderr.strip()[-300:]}")
    return INTEROP


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser: cookies, no automatic redirects."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirects
        )

    def open(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=10) as response:
                return (
                    response.status,
                    response.headers.get("Location", ""),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def follow_to(self, url: str, prefix: str, base: str, sign_in=None) -> str:
        """Follow redirects from `url` until one leads to `prefix`; sign in on the way."""
        for _ in range(10):
            status, location, page = self.open(url)
            if status == 200 and sign_in and "/connexion" in url:
                status, location, page = sign_in(url, page)
            assert status in (302, 303), f"{url} answered {status}: {page[:500]}"
            url = urllib.parse.urljoin(base, location)
            if url.startswith(prefix):
                return url
        raise AssertionError("too many redirects")


def _run(openid_client: Path, live_isc: str, service, user) -> dict:
    browser = Browser()
    settings = {
        "issuer": live_isc,
        "client_id": service.client_id,
        "client_secret": service.secret,
        "redirect_uri": service.redirect_uris[0],
        "post_logout_redirect_uri": service.post_logout_redirect_uris[0],
    }

    def sign_in(url, page):
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        return browser.open(
            url, {"csrf_token": token, "login": user.username, "password": DEFAULT_PASSWORD}
        )

    node = subprocess.Popen(
        ["node", "rp.mjs", json.dumps(settings)],
        cwd=openid_client,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        while True:
            line = node.stdout.readline()
            assert line, f"openid-client stopped: {node.stderr.read()}"
            message = json.loads(line)
            if message["step"] == "authorize":
                callback = browser.follow_to(
                    message["url"], service.redirect_uris[0], live_isc, sign_in
                )
                node.stdin.write(json.dumps({"callback": callback}) + "\n")
                node.stdin.flush()
            elif message["step"] == "logout":
                location = browser.follow_to(
                    message["url"], service.post_logout_redirect_uris[0], live_isc
                )
                node.stdin.write(json.dumps({"location": location}) + "\n")
                node.stdin.flush()
            elif message["step"] == "error":
                pytest.fail(f"openid-client: {message['message']} (cause: {message.get('cause')})")
            else:
                return message["result"]
    finally:
        node.kill()
        node.wait(timeout=10)


@pytest.fixture
def services_on_loopback(make_service):
    def make(**values):
        return make_service(
            redirect_uris=["http://127.0.0.1:9/callback"],
            post_logout_redirect_uris=["http://127.0.0.1:9/signed-out"],
            **values,
        )

    return make


def test_confidential_client_with_openid_client(
    openid_client, live_isc, services_on_loopback, user
):
    service = services_on_loopback(name="Confidentiel")

    result = _run(openid_client, live_isc, service, user)

    assert result["issuer"] == live_isc
    assert result["sub"] == user.public_id == result["refreshed_sub"]
    assert result["acr"] == "urn:isc:acr:company-validated"
    assert result["userinfo"]["isc_company"]["name"] == user.company.name
    assert result["userinfo"]["email"] == user.email
    assert result["rotated"] is True
    assert result["introspection"]["active"] is True
    assert result["introspection"]["client_id"] == service.client_id
    assert result["refresh_after_revocation"] == "invalid_grant"
    assert result["logout_returned_to"] == "http://127.0.0.1:9/signed-out"
    assert result["logout_state_ok"] is True


def test_public_client_with_openid_client(openid_client, live_isc, services_on_loopback, user):
    service = services_on_loopback(name="Public", public=True)

    result = _run(openid_client, live_isc, service, user)

    assert result["sub"] == user.public_id == result["refreshed_sub"]
    assert result["userinfo"]["given_name"] == "Camille"
    assert result["rotated"] is True
    assert result["introspection"] is None
    assert result["refresh_after_revocation"] == "invalid_grant"
    assert result["logout_state_ok"] is True
