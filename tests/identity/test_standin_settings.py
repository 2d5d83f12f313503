"""Where ISC finds its partner: the real one in production, the stand-in on the embedded default."""

import pytest

from isc import ConfigurationError, create_app
from isc.identity import standin
from isc.identity.client import from_config
from isc.identity.signature import (
    InvalidSignature,
    generate_private_key,
    public_key_pem,
    sign,
    verify_webhook,
)

BODY = b'{"specversion":"2.0","type":"identity_verification_opened","id":"evnt_1","data":{}}'


@pytest.fixture
def production_config(standin_config) -> dict:
    return {**standin_config, "ENVIRONMENT": "production", "DEV_TOOLS": False}


@pytest.mark.parametrize("testing", [True, False])
def test_production_never_mounts_the_stand_in(production_config, testing):
    app = create_app({**production_config, "TESTING": testing})
    assert not standin.is_enabled(app)
    assert "ubble_standin" not in app.blueprints and "ubble_standin_api" not in app.blueprints
    client = app.test_client()
    assert client.post("/_partenaire/ubble/v2/applicants", json={}).status_code == 404
    assert client.get("/_partenaire/ubble/parcours/anything").status_code == 404


def test_production_requires_the_partner_settings(production_config):
    app = create_app(production_config)
    with pytest.raises(ConfigurationError, match="UBBLE_API_URL"):
        from_config(app)
    with pytest.raises(ConfigurationError, match="UBBLE_WEBHOOK_PUBLIC_KEY"):
        verify_webhook("1:k:AAAA", BODY, app)


def test_production_uses_the_configured_partner(production_config):
    key = generate_private_key()
    app = create_app(
        {
            **production_config,
            "UBBLE_API_URL": "https://api.ubble.example/",
            "UBBLE_WEBHOOK_PUBLIC_KEY": public_key_pem(key),
            "UBBLE_CLIENT_CERT": "ubble/client.pem",
            "UBBLE_CLIENT_KEY": "/etc/isc/ubble.key",
        }
    )
    client = from_config(app)
    assert client.base_url == "https://api.ubble.example"
    assert client.session.cert == (f"{app.instance_path}/ubble/client.pem", "/etc/isc/ubble.key")
    assert verify_webhook(sign(BODY, key, "1-prod-v1"), BODY, app).key_id == "1-prod-v1"


def test_development_tools_alone_mount_the_stand_in(standin_config):
    app = create_app({**standin_config, "TESTING": False, "DEV_TOOLS": True})
    assert standin.is_enabled(app)
    off = create_app({**standin_config, "TESTING": False, "DEV_TOOLS": False})
    assert not standin.is_enabled(off) and "ubble_standin" not in off.blueprints


def test_embedded_default_talks_to_the_stand_in_at_base_url(standin_config):
    app = create_app({**standin_config, "BASE_URL": "http://127.0.0.1:5000/"})
    assert from_config(app).base_url == "http://127.0.0.1:5000/_partenaire/ubble"
    app.config["BASE_URL"] = "https://isc.test.example"
    assert from_config(app).base_url == "https://isc.test.example/_partenaire/ubble"


def test_embedded_default_trusts_the_stand_in_webhook_key(standin_app):
    private_key, key_id = standin.store(standin_app).webhook_key()
    assert verify_webhook(sign(BODY, private_key, key_id), BODY, standin_app).key_id == key_id
    with pytest.raises(InvalidSignature, match="does not match"):
        verify_webhook(sign(BODY, generate_private_key(), key_id), BODY, standin_app)


def test_stand_in_key_is_generated_once(standin_app, standin_config):
    first = standin.webhook_public_key_pem(standin_app)
    assert standin.webhook_public_key_pem(create_app(standin_config)) == first  # after a restart


@pytest.mark.parametrize(
    "pair", [("UBBLE_CLIENT_CERT", "UBBLE_CLIENT_KEY"), ("UBBLE_CLIENT_ID", "UBBLE_CLIENT_SECRET")]
)
def test_half_a_credential_pair_is_a_configuration_error(standin_config, pair):
    app = create_app({**standin_config, pair[0]: "something"})
    with pytest.raises(ConfigurationError, match=pair[1]):
        from_config(app)
