"""The keys ISC signs its ID tokens and logout tokens with (RS256 and ES256).

Keys live in the database, so that every app server signs with the same keys; the private
halves are encrypted (isc/secret_box.py, sealed for their kid) with a key derived from
OIDC_KEYS_SECRET, or SECRET_KEY when that is empty: a copy of the database alone cannot sign.
`rotate_keys` (`flask isc keys rotate`) adds new keys and retires the old ones, which stay
published in the JWKS until the tokens they signed have expired. Keys are created on first
need, so that a fresh installation just works.

Each app keeps the decrypted keys in memory for a short while (`CACHE_SECONDS`): signing must
not cost a database read and a decryption per token.
"""

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from joserfc.jwk import ECKey, KeySet, RSAKey

from isc import audit, secret_box
from isc.extensions import db
from isc.models import SigningKey
from isc.models.types import utcnow

ALGORITHMS = ("RS256", "ES256")
CACHE_SECONDS = 30
# A retired key stays published this long after the ID tokens it signed have expired.
PUBLICATION_MARGIN = timedelta(minutes=5)
_EXTENSION = "isc.oidc_keys"
# Imported private keys, by their JWK text: a key never changes.
_IMPORTED: dict[str, object] = {}


class KeyUnreadable(RuntimeError):
    """A stored private key cannot be decrypted: the secret it was encrypted with changed."""


@dataclass
class KeyRing:
    """The keys as one app sees them for CACHE_SECONDS."""

    signing: dict = field(default_factory=dict)  # alg -> private joserfc key (newest active)
    jwks: dict = field(default_factory=lambda: {"keys": []})  # what /oidc/jwks publishes
    verifying: KeySet | None = None  # the published keys, to check ID token hints
    loaded_at: float = 0.0


def key_ring() -> KeyRing:
    """The current keys, creating the missing ones; cached per app for CACHE_SECONDS."""
    holder = current_app.extensions.setdefault(_EXTENSION, {"ring": None, "lock": threading.Lock()})
    ring = holder["ring"]
    if ring is not None and time.monotonic() - ring.loaded_at < CACHE_SECONDS:
        return ring
    with holder["lock"]:
        ring = holder["ring"]
        if ring is None or time.monotonic() - ring.loaded_at >= CACHE_SECONDS:
            ring = _load()
            holder["ring"] = ring
    return ring


def forget_cached_keys() -> None:
    """Drop this app's cached keys (after a rotation)."""
    holder = current_app.extensions.get(_EXTENSION)
    if holder:
        holder["ring"] = None


def signing_key(alg: str):
    """The private key to sign with `alg` (RS256 or ES256)."""
    return key_ring().signing[alg]


def published_jwks() -> dict:
    return key_ring().jwks


def verification_keys() -> KeySet:
    return key_ring().verifying


def _load() -> KeyRing:
    keys = _usable_keys()
    if not {key.alg for key in keys if key.retired_at is None} >= set(ALGORITHMS):
        # A transaction of its own: the keys must exist whatever becomes of the caller's.
        with sa.orm.Session(db.engine) as session:
            ensure_keys(session)
            session.commit()
        keys = _usable_keys()
    ring = KeyRing(loaded_at=time.monotonic())
    for key in keys:  # newest first
        if key.retired_at is None and key.alg not in ring.signing:
            ring.signing[key.alg] = _import_private(key)
    public = [dict(key.public_jwk) for key in keys]
    ring.jwks = {"keys": public}
    ring.verifying = KeySet.import_key_set({"keys": public})
    return ring


def _usable_keys() -> list[SigningKey]:
    """Active keys and retired keys still published, newest first."""
    published_since = utcnow() - _publication_after_retirement()
    return list(
        db.session.scalars(
            sa.select(SigningKey)
            .where(sa.or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > published_since))
            .order_by(SigningKey.created_at.desc(), SigningKey.id.desc())
        )
    )


def _publication_after_retirement() -> timedelta:
    return timedelta(seconds=current_app.config["OIDC_ID_TOKEN_TTL"]) + PUBLICATION_MARGIN


def ensure_keys(session: sa.orm.Session | None = None) -> list[SigningKey]:
    """Create an active key for each algorithm that has none; returns the keys created."""
    session = session or db.session
    active = set(session.scalars(sa.select(SigningKey.alg).where(SigningKey.retired_at.is_(None))))
    return [_create(alg, session) for alg in ALGORITHMS if alg not in active]


def rotate_keys() -> list[SigningKey]:
    """Add a new key per algorithm and retire the current ones; delete the keys whose
    publication has ended. The retired keys stay in the JWKS until their tokens expire."""
    now = utcnow()
    db.session.execute(
        sa.delete(SigningKey).where(
            SigningKey.retired_at.is_not(None),
            SigningKey.retired_at <= now - _publication_after_retirement(),
        )
    )
    retired = db.session.execute(
        sa.update(SigningKey).where(SigningKey.retired_at.is_(None)).values(retired_at=now)
    ).rowcount
    created = [_create(alg) for alg in ALGORITHMS]
    audit.record("oidc.keys_rotated", new=[key.kid for key in created], retired=retired)
    forget_cached_keys()
    return created


def store_key(private_jwk: dict, alg: str, session: sa.orm.Session | None = None) -> SigningKey:
    """Keep an existing private key (a JWK) as an active signing key."""
    session = session or db.session
    kid = private_jwk.get("kid") or secrets.token_urlsafe(12)
    private = {**private_jwk, "kid": kid, "alg": alg, "use": "sig"}
    public_members = ("kty", "n", "e") if alg == "RS256" else ("kty", "crv", "x", "y")
    public = {name: private[name] for name in (*public_members, "kid", "alg", "use")}
    row = SigningKey(
        kid=kid,
        alg=alg,
        public_jwk=public,
        private_key_encrypted=_encrypt(json.dumps(private), kid),
    )
    session.add(row)
    session.flush()
    forget_cached_keys()
    return row


def _create(alg: str, session: sa.orm.Session | None = None) -> SigningKey:
    if alg == "RS256":
        key = RSAKey.generate_key(2048, private=True)
    else:
        key = ECKey.generate_key("P-256", private=True)
    return store_key(key.as_dict(private=True), alg, session)


def _import_private(row: SigningKey):
    # Importing an RSA private key checks it (~0.1 s): do it once per key and process.
    plaintext = _decrypt(row.private_key_encrypted, row.kid)
    key = _IMPORTED.get(plaintext)
    if key is None:
        key = (RSAKey if row.alg == "RS256" else ECKey).import_key(json.loads(plaintext))
        _IMPORTED[plaintext] = key
    return key


def _secret() -> str | None:
    return current_app.config.get("OIDC_KEYS_SECRET") or None  # None: SECRET_KEY


def _purpose(kid: str) -> str:
    return f"oidc-signing-key:{kid}"


def _encrypt(plaintext: str, kid: str) -> str:
    return secret_box.encrypt(plaintext, _purpose(kid), secret=_secret())


def _decrypt(stored: str, kid: str) -> str:
    try:
        if secret_box.is_sealed(stored):
            return secret_box.decrypt(stored, _purpose(kid), secret=_secret())
        return _decrypt_legacy(stored, kid)
    except (secret_box.Undecryptable, InvalidTag, ValueError) as error:
        raise KeyUnreadable(
            f"Signing key {kid} cannot be decrypted: OIDC_KEYS_SECRET (or SECRET_KEY) changed. "
            "Run `flask isc keys rotate` to create new keys."
        ) from error


def _decrypt_legacy(stored: str, kid: str) -> str:
    """Keys stored before isc/secret_box.py: base64(nonce + AES-GCM), a key derived for the
    signing keys only, the kid as associated data. They disappear as keys are rotated."""
    secret = _secret() or current_app.config["SECRET_KEY"]
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"isc oidc signing keys").derive(secret.encode())
    raw = base64.b64decode(stored)
    return AESGCM(key).decrypt(raw[:12], raw[12:], kid.encode()).decode()


def describe_keys() -> list[dict]:
    """Every stored key with its state, for `flask isc keys list`."""
    published_since = utcnow() - _publication_after_retirement()
    rows = db.session.scalars(sa.select(SigningKey).order_by(SigningKey.created_at, SigningKey.id))
    return [
        {
            "kid": row.kid,
            "alg": row.alg,
            "created_at": row.created_at.isoformat(timespec="seconds"),
            "retired_at": row.retired_at.isoformat(timespec="seconds") if row.retired_at else None,
            "state": "active" if row.retired_at is None
            else ("published" if row.retired_at > published_since else "expired"),
        }
        for row in rows
    ]
