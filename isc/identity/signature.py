"""The partner's webhook signature: `Cko-Signature: <timestamp>:<key id>:<base64 DER signature>`.

The partner signs the bytes `b"<timestamp>:" + raw_body` with ECDSA on NIST P-521 and SHA-512;
ISC checks it with the public key from the partner's dashboard (UBBLE_WEBHOOK_PUBLIC_KEY), on
the raw body, before any JSON parsing, and refuses timestamps outside a short window so that a
captured request cannot be replayed later.
"""

import base64
import binascii
import re
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature as _BadSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app

from isc import ConfigurationError

HEADER = "Cko-Signature"
# How far ahead of ISC's clock a timestamp may be (the partner's clock may run a little fast).
CLOCK_SKEW = 60
_TIMESTAMP = re.compile(r"\d{1,12}(\.\d{1,9})?")
_PEM_BLOCK = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.S)


class InvalidSignature(Exception):
    """The webhook is not to be trusted; `reason` says why, for the logs."""

    REASONS = frozenset(
        {
            "missing_header",
            "malformed_header",
            "bad_signature",
            "stale_timestamp",
            "future_timestamp",
        }
    )

    def __init__(self, reason: str, message: str = ""):
        assert reason in self.REASONS, reason
        super().__init__(message or reason)
        self.reason = reason


@dataclass(frozen=True)
class Signed:
    """A verified header: when the partner signed and with which of its keys."""

    timestamp: float
    key_id: str


def sign(
    body: bytes,
    private_key: ec.EllipticCurvePrivateKey,
    key_id: str,
    timestamp: float | str | None = None,
) -> str:
    """The `Cko-Signature` value for `body` (used by the stand-in and the tests)."""
    stamp = _format_timestamp(time.time() if timestamp is None else timestamp)
    signature = private_key.sign(stamp.encode() + b":" + body, ec.ECDSA(hashes.SHA512()))
    return f"{stamp}:{key_id}:{base64.b64encode(signature).decode()}"


def verify(
    header: str | None,
    body: bytes,
    public_keys: list[ec.EllipticCurvePublicKey],
    *,
    max_age: float,
    now: float | None = None,
) -> Signed:
    """Check the header against the raw body; raise `InvalidSignature` unless genuine and fresh.

    Several keys may be configured while the partner rotates them: any one may match.
    """
    stamp, key_id, signature = _parse(header)
    message = stamp.encode() + b":" + body
    if not any(_matches(key, signature, message) for key in public_keys):
        raise InvalidSignature("bad_signature", f"signature of key {key_id!r} does not match")
    timestamp = float(stamp)
    now = time.time() if now is None else now
    if now - timestamp > max_age:
        raise InvalidSignature("stale_timestamp", f"signed {now - timestamp:.0f} s ago")
    if timestamp - now > CLOCK_SKEW:
        raise InvalidSignature("future_timestamp", f"signed {timestamp - now:.0f} s in the future")
    return Signed(timestamp, key_id)


def _parse(header: str | None) -> tuple[str, str, bytes]:
    if not header or not header.strip():
        raise InvalidSignature("missing_header", f"no {HEADER} header")
    parts = header.strip().split(":")
    if len(parts) < 3:
        raise InvalidSignature("malformed_header", "expected <timestamp>:<key id>:<signature>")
    stamp, key_id, encoded = parts[0], ":".join(parts[1:-1]), parts[-1]
    if not _TIMESTAMP.fullmatch(stamp) or not key_id:
        raise InvalidSignature("malformed_header", "bad timestamp or empty key id")
    try:
        signature = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSignature("malformed_header", "signature is not base64") from None
    if not signature:
        raise InvalidSignature("malformed_header", "empty signature")
    return stamp, key_id, signature


def _matches(key: ec.EllipticCurvePublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message, ec.ECDSA(hashes.SHA512()))
    except _BadSignature:  # also what a DER that does not parse gives
        return False
    return True


def _format_timestamp(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int) else f"{value:.6f}"


# --- Keys ---------------------------------------------------------------------------------------


def generate_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP521R1())


def public_key_pem(private_key: ec.EllipticCurvePrivateKey) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def load_public_keys(value: str, *, base: Path | None = None) -> list[ec.EllipticCurvePublicKey]:
    """P-521 public keys from PEM text, or from a PEM file when `value` is a path.

    A relative path is read from `base` (the instance folder). Several PEM blocks may follow
    one another (key rotation).
    """
    text = value if "-----BEGIN" in value else _read_key_file(value, base)
    blocks = _PEM_BLOCK.findall(text)
    if not blocks:
        raise ConfigurationError("UBBLE_WEBHOOK_PUBLIC_KEY holds no PEM public key.")
    keys = []
    for block in blocks:
        try:
            key = serialization.load_pem_public_key(block.encode())
        except ValueError as error:
            raise ConfigurationError(
                f"UBBLE_WEBHOOK_PUBLIC_KEY is not a valid PEM key: {error}"
            ) from None
        if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(
            key.curve, ec.SECP521R1
        ):
            raise ConfigurationError("UBBLE_WEBHOOK_PUBLIC_KEY must be an EC key on curve P-521.")
        keys.append(key)
    return keys


def _read_key_file(value: str, base: Path | None) -> str:
    path = Path(value)
    if not path.is_absolute() and base is not None:
        path = base / path
    try:
        return path.read_text()
    except OSError as error:
        raise ConfigurationError(f"UBBLE_WEBHOOK_PUBLIC_KEY: cannot read {path}: {error}") from None


def webhook_public_keys(app: Flask) -> list[ec.EllipticCurvePublicKey]:
    """The configured keys; on the embedded default, the local stand-in's own key."""
    value = app.config.get("UBBLE_WEBHOOK_PUBLIC_KEY")
    if value:
        return load_public_keys(value, base=Path(app.instance_path))
    from isc.identity import standin

    if not standin.is_enabled(app):
        raise ConfigurationError(
            "UBBLE_WEBHOOK_PUBLIC_KEY must be set: the local stand-in is off here."
        )
    return load_public_keys(standin.webhook_public_key_pem(app))


def verify_webhook(header: str | None, body: bytes, app: Flask | None = None) -> Signed:
    """Check a webhook request with the application's settings (see `verify`)."""
    app = app or current_app._get_current_object()
    return verify(
        header, body, webhook_public_keys(app), max_age=float(app.config["UBBLE_WEBHOOK_MAX_AGE"])
    )
