"""Secrets ISC must read back, kept encrypted in the database: the private halves of the OIDC
signing keys, the agents' TOTP secrets.

AES-256-GCM with a key derived (HKDF-SHA256) from SECRET_KEY, or from the secret the caller
names (the signing keys use OIDC_KEYS_SECRET when it is set): a copy of the database alone
reveals nothing. Each value is sealed for a `purpose` ("agent-totp:42"), bound as associated
data: a value sealed for one purpose (or one row) never opens as another.

A sealed value is text: "v1." then the URL-safe base64 of the 12-byte nonce and the ciphertext.
"""

import base64
import binascii
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PREFIX = "v1."
_INFO = b"isc secret box v1"
_NONCE_SIZE = 12


class Undecryptable(ValueError):
    """A sealed value cannot be opened: the secret changed, it was sealed for another purpose,
    or it was altered."""


def encrypt(plaintext: str, purpose: str, *, secret: str | None = None) -> str:
    """Seal `plaintext` for `purpose`; `secret` defaults to SECRET_KEY."""
    nonce = secrets.token_bytes(_NONCE_SIZE)
    sealed = _aead(secret).encrypt(nonce, plaintext.encode(), purpose.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str, purpose: str, *, secret: str | None = None) -> str:
    """Open a value sealed by `encrypt` for the same `purpose` with the same secret;
    `Undecryptable` otherwise."""
    if not is_sealed(token):
        raise Undecryptable("not a sealed value")
    try:
        raw = base64.urlsafe_b64decode(token[len(PREFIX):])
    except (binascii.Error, ValueError):
        raise Undecryptable("not a sealed value") from None
    if len(raw) <= _NONCE_SIZE:
        raise Undecryptable("not a sealed value")
    try:
        plaintext = _aead(secret).decrypt(raw[:_NONCE_SIZE], raw[_NONCE_SIZE:], purpose.encode())
    except InvalidTag:
        raise Undecryptable(f"cannot open a value sealed for {purpose!r}: wrong secret, "
                            "wrong purpose or altered") from None
    return plaintext.decode()


def is_sealed(value: str | None) -> bool:
    """Whether `value` looks like the output of `encrypt` (not whether it opens)."""
    return isinstance(value, str) and value.startswith(PREFIX)


def _aead(secret: str | None) -> AESGCM:
    secret = secret or current_app.config["SECRET_KEY"]
    if not secret:
        raise RuntimeError("SECRET_KEY is not set: cannot encrypt or decrypt stored secrets.")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return AESGCM(key)
