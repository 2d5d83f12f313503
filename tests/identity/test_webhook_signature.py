"""`Cko-Signature`: ECDSA P-521 / SHA-512 over "<timestamp>:" + raw body, fresh timestamps only.

ECDSA signatures differ at every signing: each test signs with a throwaway key and checks the
verify step, never fixed bytes.
"""

import base64
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from isc import ConfigurationError
from isc.identity.signature import (
    InvalidSignature,
    generate_private_key,
    load_public_keys,
    public_key_pem,
    sign,
    verify,
)

BODY = b'{"specversion":"2.0","type":"identity_verification_checks_completed","id":"evnt_1"}'
MAX_AGE = 300


@pytest.fixture(scope="module")
def key():
    return generate_private_key()


def check(header, body=BODY, keys=None, *, key=None, now=None):
    return verify(header, body, keys or [key.public_key()], max_age=MAX_AGE, now=now)


def test_valid_signature_is_accepted(key):
    signed = check(sign(BODY, key, "1-test-v1"), key=key)
    assert signed.key_id == "1-test-v1"
    assert abs(signed.timestamp - time.time()) < 5


def test_fractional_timestamp_as_the_partner_sends_it(key):
    now = time.time()
    header = sign(BODY, key, "1-test-v1", timestamp=f"{now:.6f}")
    assert check(header, key=key).timestamp == pytest.approx(now)


def test_integer_timestamp_is_accepted(key):
    assert check(sign(BODY, key, "k", timestamp=int(time.time())), key=key)


def test_tampered_body_is_refused(key):
    header = sign(BODY, key, "1-test-v1")
    with pytest.raises(InvalidSignature) as caught:
        check(header, BODY.replace(b"checks_completed", b"capture_completed"), key=key)
    assert caught.value.reason == "bad_signature"


def test_signature_of_another_key_is_refused(key):
    other = generate_private_key()
    with pytest.raises(InvalidSignature) as caught:
        check(sign(BODY, other, "1-test-v1"), key=key)
    assert caught.value.reason == "bad_signature"


def test_bad_signature_bytes_are_refused(key):
    stamp, key_id, _ = sign(BODY, key, "k").split(":")
    garbage = base64.b64encode(b"\x30\x81\x88" + b"\x01" * 60).decode()
    with pytest.raises(InvalidSignature) as caught:
        check(f"{stamp}:{key_id}:{garbage}", key=key)
    assert caught.value.reason == "bad_signature"


def test_timestamp_is_part_of_what_is_signed(key):
    stamp, key_id, signature = sign(BODY, key, "k").split(":")
    with pytest.raises(InvalidSignature) as caught:
        check(f"{float(stamp) + 1:.6f}:{key_id}:{signature}", key=key)
    assert caught.value.reason == "bad_signature"


def test_stale_timestamp_is_refused(key):
    old = time.time() - MAX_AGE - 10
    with pytest.raises(InvalidSignature) as caught:
        check(sign(BODY, key, "k", timestamp=old), key=key)
    assert caught.value.reason == "stale_timestamp"


def test_timestamp_within_max_age_is_accepted(key):
    assert check(sign(BODY, key, "k", timestamp=time.time() - MAX_AGE + 30), key=key)


def test_future_timestamp_is_refused(key):
    with pytest.raises(InvalidSignature) as caught:
        check(sign(BODY, key, "k", timestamp=time.time() + 3600), key=key)
    assert caught.value.reason == "future_timestamp"


def test_small_clock_skew_is_tolerated(key):
    assert check(sign(BODY, key, "k", timestamp=time.time() + 20), key=key)


def test_missing_header_is_refused(key):
    for header in (None, "", "   "):
        with pytest.raises(InvalidSignature) as caught:
            check(header, key=key)
        assert caught.value.reason == "missing_header"


@pytest.mark.parametrize(
    "header",
    [
        "just-a-value",
        "1711537367.593334:MIGIAkIB",
        "t=1711537367,v1=abcdef",  # the legacy v1 header
        "yesterday:1-test-v1:MIGIAkIB",
        "-1711537367:1-test-v1:MIGIAkIB",
        "1711537367.593334::MIGIAkIB",
        "1711537367.593334:1-test-v1:not base64!",
        "1711537367.593334:1-test-v1:",
    ],
)
def test_malformed_header_is_refused(key, header):
    with pytest.raises(InvalidSignature) as caught:
        check(header, key=key)
    assert caught.value.reason == "malformed_header"


def test_any_of_several_configured_keys_may_match(key):
    old, new = generate_private_key(), key
    keys = load_public_keys(public_key_pem(old) + "\n" + public_key_pem(new))
    assert len(keys) == 2
    assert check(sign(BODY, new, "k"), keys=keys)


def test_public_key_may_be_a_file_relative_to_the_instance_folder(key, tmp_path):
    (tmp_path / "ubble.pem").write_text(public_key_pem(key))
    [loaded] = load_public_keys("ubble.pem", base=tmp_path)
    assert check(sign(BODY, key, "k"), keys=[loaded])


@pytest.mark.parametrize(
    "value", ["missing.pem", "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----"]
)
def test_unusable_key_setting_is_a_configuration_error(value, tmp_path):
    with pytest.raises(ConfigurationError):
        load_public_keys(value, base=tmp_path)


def test_key_on_another_curve_is_a_configuration_error():
    pem = public_key_pem(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(ConfigurationError, match="P-521"):
        load_public_keys(pem)
