"""Password hashing (argon2id) and the password policy.

The policy follows NIST SP 800-63B and OWASP ASVS 2.1: at least 12 characters, at most 128,
any character allowed, no composition rule, and never a common or breached password.
"""

import functools
import re
import unicodedata
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128

# argon2id, m=19 MiB, t=2, p=1 (OWASP password storage cheat sheet).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when the login is unknown, so that an unknown login costs the same time.
_DUMMY_HASH = _hasher.hash("isc-dummy-password-for-timing")

_PADDING = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; compares against a dummy hash when there is none."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@functools.cache
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("data") / "common-passwords.txt"
    return frozenset(line.strip() for line in path.read_text().splitlines() if line.strip())


def policy_problems(password: str, *, personal: tuple[str, ...] = ()) -> list[str]:
    """French explanations of why `password` is refused (empty when it is acceptable).

    `personal` holds the person's own words (username, e-mail, names), refused as passwords.
    """
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_LENGTH:
        return [f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères."]
    if length > MAX_LENGTH:
        return [f"Le mot de passe ne peut pas dépasser {MAX_LENGTH} caractères."]
    lowered = password.casefold()
    core = _PADDING.sub("", lowered)
    common = _common_passwords()
    if lowered in common or (core and core in common) or len(set(lowered)) <= 2:
        return [
            "Ce mot de passe est trop courant ou figure dans des fuites de données connues : "
            "choisissez-en un autre, par exemple une phrase de plusieurs mots."
        ]
    words = {word.casefold() for word in personal if word and len(word) >= 4}
    if lowered in words or core in words:
        return ["Le mot de passe ne doit pas reprendre votre nom d'utilisateur, votre nom ou votre e-mail."]
    return []
