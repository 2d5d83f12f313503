"""A local stand-in of the identity-verification partner, for development and tests.

It serves the API v2 endpoints the client calls, a hosted verification page in French (QR code,
the guide's steps, tester buttons to approve, decline, require a retry or abandon) and sends
signed CloudEvents webhooks, as the partner would. It lives inside ISC under
UBBLE_STANDIN_PREFIX, only when DEV_TOOLS or TESTING is on, never in production.

On the embedded default (UBBLE_API_URL and UBBLE_WEBHOOK_PUBLIC_KEY empty) ISC talks to it at
BASE_URL + UBBLE_STANDIN_PREFIX and trusts its webhook key, which it generates once into its
store (instance/ubble-standin.sqlite3 unless UBBLE_STANDIN_STORE says otherwise).
"""

from pathlib import Path

from flask import Flask

from isc.identity.signature import public_key_pem
from isc.identity.standin.store import StandInStore

_EXTENSION = "isc.ubble_standin"


def is_enabled(app: Flask) -> bool:
    """On with DEV_TOOLS or TESTING, never in production."""
    config = app.config
    return config["ENVIRONMENT"] != "production" and bool(
        config.get("DEV_TOOLS") or config.get("TESTING")
    )


def init_app(app: Flask) -> None:
    if not is_enabled(app):
        return
    from isc.extensions import csrf
    from isc.identity.standin import api, hosted

    prefix = "/" + app.config["UBBLE_STANDIN_PREFIX"].strip("/")
    csrf.exempt(api.blueprint)  # a machine-to-machine API, authenticated like the partner's
    app.register_blueprint(api.blueprint, url_prefix=prefix)
    app.register_blueprint(hosted.blueprint, url_prefix=prefix)
    app.extensions[_EXTENSION] = StandInStore(_store_path(app))  # the file is created on first use


def public_url(app: Flask) -> str:
    """Where the stand-in answers, as seen from outside: BASE_URL + UBBLE_STANDIN_PREFIX."""
    return app.config["BASE_URL"].rstrip("/") + "/" + app.config["UBBLE_STANDIN_PREFIX"].strip("/")


def store(app: Flask) -> StandInStore:
    return app.extensions[_EXTENSION]


def webhook_public_key_pem(app: Flask) -> str:
    """The public half of the stand-in's webhook key (what the partner's dashboard would show)."""
    private_key, _key_id = store(app).webhook_key()
    return public_key_pem(private_key)


def _store_path(app: Flask) -> Path:
    configured = app.config.get("UBBLE_STANDIN_STORE")
    instance = Path(app.instance_path)
    return instance / configured if configured else instance / "ubble-standin.sqlite3"
