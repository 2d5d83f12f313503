"""Settings: defaults < instance/config.py < ISC_* environment variables < the test dict."""

import os
import stat

import pytest

from isc import ConfigurationError, create_app
from isc import config as defaults


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An empty instance folder of our own, and no ISC_* variable but those a test sets."""
    for name in list(os.environ):
        if name.startswith("ISC_"):
            monkeypatch.delenv(name)
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("ISC_INSTANCE_PATH", str(folder))
    return folder


def build(**settings):
    """An app with a fixed SECRET_KEY unless the test says otherwise."""
    settings.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
    return create_app(settings)


def test_defaults_apply_when_nothing_overrides_them(instance):
    app = build()
    assert app.config["SUPPORT_EMAIL"] == defaults.SUPPORT_EMAIL
    assert app.config["MAIL_PORT"] == 25
    assert app.config["ENVIRONMENT"] == "development"
    assert app.instance_path == str(instance)


def test_instance_config_overrides_defaults(instance):
    (instance / "config.py").write_text(
        'SUPPORT_EMAIL = "support@instance.example.fr"\nMAIL_PORT = 2525\n'
    )
    app = build()
    assert app.config["SUPPORT_EMAIL"] == "support@instance.example.fr"
    assert app.config["MAIL_PORT"] == 2525


def test_environment_overrides_instance_config(instance, monkeypatch):
    (instance / "config.py").write_text(
        'SUPPORT_EMAIL = "support@instance.example.fr"\nMAIL_PORT = 2525\n'
    )
    monkeypatch.setenv("ISC_MAIL_PORT", "587")
    app = build()
    assert app.config["MAIL_PORT"] == 587
    assert app.config["SUPPORT_EMAIL"] == "support@instance.example.fr"  # not in the environment


def test_test_settings_override_environment_and_instance(instance, monkeypatch):
    (instance / "config.py").write_text('JOBS_QUEUE = "from-instance"\n')
    monkeypatch.setenv("ISC_JOBS_QUEUE", "from-environment")
    app = build(JOBS_QUEUE="from-test")
    assert app.config["JOBS_QUEUE"] == "from-test"


def test_environment_values_are_read_as_json_else_as_strings(instance, monkeypatch):
    monkeypatch.setenv("ISC_MAIL_PORT", "587")
    monkeypatch.setenv("ISC_MAIL_USE_TLS", "true")
    monkeypatch.setenv("ISC_MAIL_RETRY_DELAYS", "[5, 10]")
    monkeypatch.setenv("ISC_SUPPORT_EMAIL", "aide@example.fr")
    app = build()
    assert app.config["MAIL_PORT"] == 587 and isinstance(app.config["MAIL_PORT"], int)
    assert app.config["MAIL_USE_TLS"] is True
    assert app.config["MAIL_RETRY_DELAYS"] == [5, 10]
    assert app.config["SUPPORT_EMAIL"] == "aide@example.fr"


def test_development_generates_a_secret_key_once_into_the_instance_folder(instance):
    first = build(SECRET_KEY=None)
    key_file = instance / "secret_key"
    assert len(first.config["SECRET_KEY"]) >= 48
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    second = build(SECRET_KEY=None)
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_each_instance_folder_gets_its_own_secret_key(instance, tmp_path, monkeypatch):
    first = build(SECRET_KEY=None)
    other = tmp_path / "other-instance"
    monkeypatch.setenv("ISC_INSTANCE_PATH", str(other))
    second = build(SECRET_KEY=None)
    assert (other / "secret_key").exists()
    assert second.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_production_refuses_to_start_without_a_secret_key(instance):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        build(ENVIRONMENT="production", SECRET_KEY=None, DEV_TOOLS=False)
    assert not (instance / "secret_key").exists()


def test_production_refuses_the_development_tools(instance, monkeypatch):
    monkeypatch.setenv("ISC_ENVIRONMENT", "production")
    with pytest.raises(ConfigurationError, match="DEV_TOOLS"):
        build()  # DEV_TOOLS is on by default


def test_production_starts_with_a_secret_key_and_no_development_tools(instance):
    app = build(ENVIRONMENT="production", DEV_TOOLS=False)
    assert app.config["ENVIRONMENT"] == "production"
    assert "devtools" not in app.blueprints


def test_unknown_environment_is_refused(instance):
    with pytest.raises(ConfigurationError, match="ENVIRONMENT"):
        build(ENVIRONMENT="staging")


def test_https_base_url_makes_the_session_cookie_secure_and_host_only(instance):
    app = build(BASE_URL="https://isc.example.fr/")
    assert app.config["BASE_URL"] == "https://isc.example.fr"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-isc"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"

    @app.route("/test-session")
    def remember():
        from flask import session

        session["seen"] = True
        return "ok"

    response = app.test_client().get("/test-session", base_url="https://isc.example.fr")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-isc=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "Domain=" not in cookie  # the __Host- prefix forbids it


def test_plain_http_base_url_keeps_an_ordinary_cookie(instance):
    app = build(BASE_URL="http://127.0.0.1:5000")
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_NAME"] == "isc"
