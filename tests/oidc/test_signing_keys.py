"""ISC's signing keys: kept encrypted in the database, created on first need, rotated with
the old key published until the tokens it signed have expired."""

import base64
import json
import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from isc import oidc_keys, secret_box
from isc.models import SigningKey
from isc.models.types import utcnow


def _kid(token: str) -> str:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]


def _published(client) -> set[str]:
    return {key["kid"] for key in client.get("/oidc/jwks").get_json()["keys"]}


def test_private_keys_are_stored_encrypted(db, signing_keys):
    for row in db.session.scalars(sa.select(SigningKey)):
        assert secret_box.is_sealed(row.private_key_encrypted)
        stored = base64.urlsafe_b64decode(row.private_key_encrypted.removeprefix(secret_box.PREFIX))
        assert b'"d"' not in stored and b"PRIVATE" not in stored
        assert "d" not in row.public_jwk


def _legacy_encrypt(plaintext: str, kid: str, secret: str) -> str:
    """How keys were encrypted before isc/secret_box.py."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"isc oidc signing keys").derive(secret.encode())
    nonce = secrets.token_bytes(12)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), kid.encode())).decode()


def test_keys_stored_before_the_secret_box_still_sign(app, db, signing_keys, rp):
    for row in db.session.scalars(sa.select(SigningKey)):
        plaintext = oidc_keys._decrypt(row.private_key_encrypted, row.kid)
        row.private_key_encrypted = _legacy_encrypt(plaintext, row.kid, app.config["SECRET_KEY"])
    db.session.commit()
    oidc_keys.forget_cached_keys()
    oidc_keys._IMPORTED.clear()

    rp.id_token_claims(rp.sign_in_and_get_tokens()["id_token"])
    assert oidc_keys.signing_key("ES256").as_dict(private=True)["d"]


def test_a_signing_key_does_not_open_as_another_kind_of_secret(db, signing_keys):
    row = db.session.scalars(sa.select(SigningKey)).first()
    with pytest.raises(secret_box.Undecryptable):
        secret_box.decrypt(row.private_key_encrypted, f"agent-totp:{row.id}")


def test_keys_are_created_on_first_need(app, db, client):
    db.session.execute(sa.delete(SigningKey))
    db.session.commit()
    oidc_keys.forget_cached_keys()

    jwks = client.get("/oidc/jwks").get_json()

    assert {key["alg"] for key in jwks["keys"]} == {"RS256", "ES256"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SigningKey)) == 2


def test_rotation_signs_with_the_new_key_and_keeps_the_old_one_published(rp, db, client):
    before = rp.sign_in_and_get_tokens()["id_token"]
    old_kid = _kid(before)

    oidc_keys.rotate_keys()
    db.session.commit()
    after = rp.sign_in_and_get_tokens()["id_token"]

    assert _kid(after) != old_kid
    assert {old_kid, _kid(after)} <= _published(client)
    rp.id_token_claims(before)  # still checkable


def test_a_retired_key_is_withdrawn_once_its_tokens_have_expired(rp, db, client):
    old_kid = _kid(rp.sign_in_and_get_tokens()["id_token"])
    oidc_keys.rotate_keys()
    db.session.commit()

    db.session.execute(
        sa.update(SigningKey)
        .where(SigningKey.retired_at.is_not(None))
        .values(retired_at=utcnow() - timedelta(seconds=600 + 301))
    )
    db.session.commit()
    oidc_keys.forget_cached_keys()

    assert old_kid not in _published(client)
    assert len(_published(client)) == 2


def test_a_second_rotation_deletes_keys_no_longer_published(db):
    oidc_keys.rotate_keys()
    db.session.execute(
        sa.update(SigningKey)
        .where(SigningKey.retired_at.is_not(None))
        .values(retired_at=utcnow() - timedelta(days=1))
    )
    oidc_keys.rotate_keys()
    db.session.commit()

    states = [key["state"] for key in oidc_keys.describe_keys()]
    assert (
        states.count("active") == 2 and states.count("published") == 2 and "expired" not in states
    )


def test_keys_are_unreadable_with_another_secret(app, db):
    oidc_keys.forget_cached_keys()
    oidc_keys._IMPORTED.clear()
    app.config["OIDC_KEYS_SECRET"] = "another secret"

    with pytest.raises(oidc_keys.KeyUnreadable):
        oidc_keys.signing_key("RS256")


def test_flask_isc_keys_rotate(app, db):
    before = {row.kid for row in db.session.scalars(sa.select(SigningKey))}

    result = app.test_cli_runner().invoke(args=["isc", "keys", "rotate"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(SigningKey)))
    assert {row.kid for row in rows if row.retired_at is None}.isdisjoint(before)
    assert {row.kid for row in rows if row.retired_at is not None} == before
    listing = app.test_cli_runner().invoke(args=["isc", "keys", "list"])
    assert listing.output.count("active") == 2 and listing.output.count("published") == 2
