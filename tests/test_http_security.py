"""Security headers on every response (OWASP ASVS 14.4)."""

import pytest

PAGES = ["/", "/connexion", "/page-qui-n-existe-pas"]


def csp_directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";"))


@pytest.mark.parametrize("path", PAGES)
def test_pages_forbid_framing_sniffing_and_referrers(client, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"


def test_content_security_policy_allows_no_inline_script_or_style(client):
    directives = csp_directives(client.get("/"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in client.get("/").headers["Content-Security-Policy"]


def test_json_responses_carry_the_headers_too(client):
    response = client.get("/healthz")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", PAGES)
def test_html_pages_are_never_cached(client, path):
    response = client.get(path)
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.fixture
def https_base_url(app_config):
    app_config["BASE_URL"] = "https://isc.example.fr"


def test_hsts_is_sent_when_the_base_url_is_https(https_base_url, client):
    response = client.get("/", base_url="https://isc.example.fr")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
