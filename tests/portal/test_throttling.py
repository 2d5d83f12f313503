"""Throttling: password guessing is slowed per account and per address; reset e-mails too."""

import pytest

from tests.conftest import DEFAULT_PASSWORD
from tests.portal.pages import text

TOO_MANY = "Trop de tentatives"
SMALL_LIMITS = dict(
    SIGN_IN_LIMIT_PER_ACCOUNT="3 per 15 minutes",
    SIGN_IN_LIMIT_PER_IP="5 per 15 minutes",
    PASSWORD_RESET_LIMIT_PER_ACCOUNT="2 per hour",
    PASSWORD_RESET_LIMIT_PER_IP="4 per hour",
)
pytestmark = pytest.mark.settings(**SMALL_LIMITS)


@pytest.fixture
def attempt(make_client, submit_as):
    """`attempt(login, password, ip=...)`: one sign-in from a fresh browser at address `ip`."""

    def post(login: str, password: str, ip: str = "198.51.100.1"):
        return submit_as(make_client(ip), "/connexion", {"login": login, "password": password})

    return post


@pytest.fixture
def ask_reset(make_client, submit_as):
    def post(login: str, ip: str = "198.51.100.1"):
        return submit_as(make_client(ip), "/mot-de-passe/oublie", {"login": login})

    return post


def assert_throttled(response):
    assert response.status_code == 429
    page = text(response)
    assert TOO_MANY in page
    assert "Patientez quelques minutes" in page


def test_account_is_locked_after_its_failures_even_with_the_right_password(make_user, attempt):
    user = make_user()
    for _ in range(3):
        assert attempt(user.username, "mauvais mot de passe").status_code == 401

    assert_throttled(attempt(user.username, DEFAULT_PASSWORD))


def test_account_limit_follows_the_account_across_addresses(make_user, attempt):
    user = make_user()
    for number in range(3):
        attempt(user.username, "mauvais mot de passe", ip=f"203.0.113.{number + 10}")

    assert_throttled(attempt(user.username, DEFAULT_PASSWORD, ip="192.0.2.200"))


def test_account_limit_counts_the_login_whatever_its_case(make_user, attempt):
    make_user(username="camille.martin")
    for typed in ("camille.martin", "CAMILLE.MARTIN", " Camille.Martin "):
        attempt(typed, "mauvais mot de passe")

    assert_throttled(attempt("camille.martin", DEFAULT_PASSWORD))


def test_account_limit_counts_username_and_email_together(make_user, attempt):
    make_user(username="camille.martin", email="camille@laboratoire.fr")
    for typed in ("camille.martin", "camille@laboratoire.fr", "camille.martin"):
        attempt(typed, "mauvais mot de passe")

    assert_throttled(attempt("camille@laboratoire.fr", DEFAULT_PASSWORD))


def test_other_accounts_are_not_locked_by_someone_elses_failures(make_user, attempt):
    victim, other = make_user(), make_user()
    for number in range(3):
        attempt(victim.username, "mauvais mot de passe", ip=f"203.0.113.{number + 10}")

    assert attempt(other.username, DEFAULT_PASSWORD, ip="203.0.113.99").status_code == 303


def test_address_is_throttled_when_it_tries_many_logins(make_user, attempt):
    user = make_user()
    for number in range(5):
        assert attempt(f"inconnu{number}", "mauvais mot de passe").status_code == 401

    assert_throttled(attempt(user.username, DEFAULT_PASSWORD))
    # Another address is not affected.
    assert attempt(user.username, DEFAULT_PASSWORD, ip="192.0.2.7").status_code == 303


def test_successful_sign_ins_do_not_count(make_user, attempt):
    user = make_user()

    for _ in range(6):
        assert attempt(user.username, DEFAULT_PASSWORD).status_code == 303


def test_form_errors_do_not_count_as_failures(make_user, attempt):
    user = make_user()

    for _ in range(6):
        assert attempt(user.username, "").status_code == 422

    assert attempt(user.username, DEFAULT_PASSWORD).status_code == 303


def test_sign_in_page_itself_is_never_throttled(make_user, attempt, client):
    user = make_user()
    for _ in range(3):
        attempt(user.username, "mauvais mot de passe")

    assert client.get("/connexion").status_code == 200


def test_reset_requests_are_throttled_per_account(make_user, ask_reset, outbox):
    user = make_user()
    assert ask_reset(user.username, ip="203.0.113.1").status_code == 200
    assert ask_reset(user.username, ip="203.0.113.2").status_code == 200

    assert_throttled(ask_reset(user.username, ip="203.0.113.3"))
    assert len(outbox.messages(user.email)) == 2


def test_reset_requests_are_throttled_per_address(make_user, ask_reset, outbox):
    user = make_user()
    for number in range(4):
        assert ask_reset(f"inconnu{number}").status_code == 200

    assert_throttled(ask_reset(user.username))
    assert outbox.messages() == []
    assert ask_reset(user.username, ip="192.0.2.7").status_code == 200
