"""Industriels Santé Connect: the identity provider of health-industry companies using ANS services."""

import logging
import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

__all__ = ["create_app", "ConfigurationError"]

log = logging.getLogger(__name__)


class ConfigurationError(RuntimeError):
    """The settings cannot make a safe application."""


def create_app(test_config: dict | None = None) -> Flask:
    """Build an ISC application: settings, extensions, blueprints, console, CLI.

    The instance folder (instance/config.py, the development secret key, the SQLite file) is
    `ISC_INSTANCE_PATH` when set, else Flask's default next to the package.
    """
    instance = os.environ.get("ISC_INSTANCE_PATH")
    app = Flask(__name__, instance_path=os.path.abspath(instance) if instance else None,
                instance_relative_config=True)
    load_settings(app, test_config)

    from isc import (
        admin,
        auth_sessions,
        cli,
        devtools,
        errors,
        extensions,
        health,
        http_security,
        identity,
        jobs,
        oidc,
        webhooks,
    )
    from isc.portal import init_portal

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=str(Path(__file__).with_name("migrations")), render_as_batch=True
    )
    extensions.mail.init_app(app)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    auth_sessions.init_app(app)
    jobs.init_app(app)
    http_security.init_app(app)
    errors.init_app(app)
    health.init_app(app)
    init_portal(app)
    oidc.init_app(app)
    admin.init_admin(app)
    devtools.init_app(app)
    identity.init_app(app)
    webhooks.init_app(app)
    cli.init_app(app)
    return app


def load_settings(app: Flask, test_config: dict | None) -> None:
    """Defaults, then instance/config.py, then ISC_* variables, then the test dict; then checks."""
    app.config.from_object("isc.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ISC")
    if test_config:
        app.config.update(test_config)
    config = app.config
    production = config["ENVIRONMENT"] == "production"
    if config["ENVIRONMENT"] not in ("development", "production"):
        raise ConfigurationError("ENVIRONMENT must be 'development' or 'production'.")

    if not config.get("SECRET_KEY"):
        if production:
            raise ConfigurationError("SECRET_KEY must be set in production (ISC_SECRET_KEY).")
        config["SECRET_KEY"] = _development_secret_key(Path(app.instance_path))
    if production and config["DEV_TOOLS"]:
        raise ConfigurationError("DEV_TOOLS cannot be on in production.")

    if not config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'isc.sqlite3'}"
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
    config["RATELIMIT_KEY_PREFIX"] = "isc-limits"
    config["BASE_URL"] = config["BASE_URL"].rstrip("/")

    # Cookies: the session lives server side (auth_session table); the cookie only names it.
    secure = config["BASE_URL"].startswith("https://")
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_SECURE"] = secure
    # The __Host- prefix pins the cookie to this host, https and path "/".
    config["SESSION_COOKIE_NAME"] = "__Host-isc" if secure else "isc"
    # Requests may carry a Kbis a little over its limit, so that kbis_intake says why it is
    # refused on the page; anything bigger gets the 413 page.
    config["MAX_CONTENT_LENGTH"] = config.get("MAX_CONTENT_LENGTH") or config["KBIS_MAX_SIZE"] + 1024 * 1024
    config["WTF_CSRF_TIME_LIMIT"] = None  # bound to the session instead, which expires anyway

    if config["TRUSTED_PROXIES"]:
        hops = int(config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)


def _development_secret_key(instance: Path) -> str:
    """A random key generated once into instance/secret_key, kept across restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # generated earlier, or by another process starting at the same time
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        log.warning("Generated a development SECRET_KEY in %s", path)
    return path.read_text().strip()
