"""Password hashing (argon2id) and the password policy (NIST SP 800-63B, OWASP ASVS 2.1)."""

import unicodedata

import pytest
from argon2 import PasswordHasher

from isc.accounts import AccountError, check_new_password
from isc.passwords import hash_password, needs_rehash, policy_problems, verify_password

GOOD = "Kx7#mQ2!vLp9"  # 12 characters, nothing common about it


def test_hash_uses_argon2id_with_owasp_parameters():
    password_hash = hash_password(GOOD)
    assert "$argon2id$v=19$m=19456,t=2,p=1$" in password_hash
    assert GOOD not in password_hash


def test_same_password_hashes_differently_each_time():
    assert hash_password(GOOD) != hash_password(GOOD)


def test_verify_accepts_the_right_password_and_refuses_a_wrong_one():
    password_hash = hash_password(GOOD)
    assert verify_password(password_hash, GOOD) is True
    assert verify_password(password_hash, GOOD + "x") is False


def test_verify_with_no_hash_is_false_even_for_the_dummy_password():
    assert verify_password(None, "isc-dummy-password-for-timing") is False
    assert verify_password(None, GOOD) is False


def test_verify_with_a_malformed_hash_is_false():
    assert verify_password("not-an-argon2-hash", GOOD) is False


def test_hash_with_weaker_parameters_needs_rehash():
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(GOOD)
    assert needs_rehash(weak) is True
    assert needs_rehash(hash_password(GOOD)) is False


@pytest.mark.parametrize(
    ("length", "accepted"),
    [(11, False), (12, True), (128, True), (129, False)],
)
def test_length_limits_are_12_to_128_characters(length, accepted):
    password = ("Kx7#mQ2!vLp9-" * 10)[:length]
    assert len(password) == length
    problems = policy_problems(password)
    assert (problems == []) is accepted, problems


def test_too_short_and_too_long_passwords_get_french_explanations():
    assert policy_problems("Kx7#mQ2!vLp") == [
        "Le mot de passe doit contenir au moins 12 caractères."
    ]
    assert policy_problems("K" + "x7#mQ2!vLp9" * 12) == [
        "Le mot de passe ne peut pas dépasser 128 caractères."
    ]


def test_length_counts_characters_not_code_points():
    """An accented letter typed as "e" + combining accent still counts as one character."""
    decomposed = unicodedata.normalize("NFD", "Élève#Zoé7k")  # 11 characters, 14 code points
    assert len(decomposed) > 12
    assert policy_problems(decomposed) == ["Le mot de passe doit contenir au moins 12 caractères."]


def test_any_character_is_allowed_and_no_composition_rule_applies():
    assert policy_problems("cheval agrafe pile correcte") == []
    assert policy_problems("仕事の帰りに海を見に行った") == []


@pytest.mark.parametrize(
    "password",
    [
        "motdepasse123",
        "password1234",
        "azertyuiop12",
        "AZERTYUIOP12",
        "!!motdepasse!!",
        "aaaaaaaaaaaa",
        "abababababab",
    ],
)
def test_common_or_trivial_passwords_are_refused(password):
    problems = policy_problems(password)
    assert len(problems) == 1
    assert "trop courant" in problems[0]


def test_username_as_password_is_refused(db, make_user):
    user = make_user(
        username="camille.martin",
        email="c.martin@example.fr",
        first_name="Camille",
        last_name="Martinez",
    )
    for password in ("camille.martin", "Camille.Martin", "camille.martin2024"):
        with pytest.raises(AccountError, match="nom d'utilisateur"):
            check_new_password(user, password, password)
    check_new_password(user, GOOD, GOOD)  # an unrelated password passes


def test_email_as_password_is_refused(db, make_user):
    user = make_user(username="cmartin", email="camille.martinez@example.fr")
    with pytest.raises(AccountError, match="e-mail"):
        check_new_password(user, "camille.martinez@example.fr", "camille.martinez@example.fr")


def test_confirmation_must_match(db, make_user):
    user = make_user()
    with pytest.raises(AccountError, match="pas identiques"):
        check_new_password(user, GOOD, GOOD + "!")
