"""Forgotten password: a link is e-mailed to real accounts only, works once, for a while,
and setting the new password ends every session."""

import pytest
import sqlalchemy as sa

from isc.models import LinkPurpose, PasswordLink, UserStatus
from tests.conftest import DEFAULT_PASSWORD, csrf_token_of
from tests.portal.pages import location_path, text, without_csrf_tokens

NEW_PASSWORD = "un nouveau mot de passe solide"
WRONG = "Identifiant ou mot de passe incorrect."
REQUIRED = "Ce champ est obligatoire."


@pytest.fixture
def request_reset(make_client, submit_as):
    """`request_reset(login)`: ask for a reset link on the page, from a fresh browser."""

    def ask(login: str, client=None):
        return submit_as(client or make_client(), "/mot-de-passe/oublie", {"login": login})

    return ask


@pytest.fixture
def choose_password(submit_as):
    """`choose_password(client, link, password, confirmation=password)` on the link's page."""

    def choose(client, link: str, password: str, confirmation: str | None = None):
        return submit_as(
            client,
            link,
            {
                "password": password,
                "confirmation": password if confirmation is None else confirmation,
            },
        )

    return choose


def test_forgotten_password_page_asks_for_the_login(client):
    response = client.get("/mot-de-passe/oublie")

    assert response.status_code == 200
    assert "Nom d'utilisateur ou adresse e-mail" in text(response)


def test_sign_in_page_links_to_forgotten_password(client):
    assert 'href="/mot-de-passe/oublie"' in client.get("/connexion").get_data(as_text=True)


def test_answer_is_the_same_whether_the_account_exists_or_not(make_user, request_reset):
    user = make_user()

    known = request_reset(user.username)
    unknown = request_reset("personne.inconnue")
    unknown_email = request_reset("personne@inconnue.fr")

    assert known.status_code == unknown.status_code == unknown_email.status_code == 200
    assert (
        without_csrf_tokens(known)
        == without_csrf_tokens(unknown)
        == without_csrf_tokens(unknown_email)
    )


@pytest.mark.parametrize("login", ["user1", "USER1@example.FR"], ids=["username", "email"])
def test_reset_link_is_emailed_to_the_real_account_only(make_user, request_reset, outbox, login):
    user = make_user(username="user1", email="user1@example.fr")
    make_user()

    request_reset("personne.inconnue")
    assert outbox.messages() == []

    request_reset(login)

    (message,) = outbox.messages()
    assert message.recipient == user.email
    assert message.template == "password_reset"
    assert message.subject == "Définissez un nouveau mot de passe Industriels Santé Connect"
    assert "http://localhost/mot-de-passe/definir/" in message.text_body
    assert "Ce lien est valable 60 minutes" in message.text_body
    assert "/mot-de-passe/definir/" in message.html_body


@pytest.mark.parametrize("status", [UserStatus.DISABLED, UserStatus.PENDING, UserStatus.DELETED])
def test_no_link_for_an_account_that_is_not_active(make_user, request_reset, outbox, status):
    user = make_user(status=status)

    response = request_reset(user.username)

    assert response.status_code == 200
    assert outbox.messages() == []


def test_empty_login_is_required(request_reset, outbox):
    response = request_reset("")

    assert response.status_code == 422
    assert REQUIRED in text(response)
    assert outbox.messages() == []


def test_emailed_link_opens_the_new_password_page(
    client, make_user, request_reset, password_link_in
):
    user = make_user()
    request_reset(user.email)

    response = client.get(password_link_in(user))

    assert response.status_code == 200
    page = text(response)
    assert "Nouveau mot de passe" in page
    assert "Confirmez le nouveau mot de passe" in page


@pytest.mark.parametrize(
    "password, message",
    [
        ("court", "Le mot de passe doit contenir au moins 12 caractères."),
        ("motdepasse123", "Ce mot de passe est trop courant"),
        ("aaaaaaaaaaaaaaaa", "Ce mot de passe est trop courant"),
        ("x" * 129 + "yz", "Le mot de passe ne peut pas dépasser 128 caractères."),
        ("camille.martin", "Le mot de passe ne doit pas reprendre votre nom d'utilisateur"),
    ],
    ids=["too-short", "common", "repeated", "too-long", "username"],
)
def test_weak_password_is_refused_with_the_policy_message(
    client, db, make_user, request_reset, password_link_in, choose_password, password, message
):
    user = make_user(username="camille.martin")
    request_reset(user.username)
    link = password_link_in(user)
    hash_before = user.password_hash

    response = choose_password(client, link, password)

    assert response.status_code == 422
    assert message in text(response)
    db.session.refresh(user)
    assert user.password_hash == hash_before
    assert client.get(link).status_code == 200  # the link is still usable


def test_mismatched_confirmation_is_refused(
    client, make_user, request_reset, password_link_in, choose_password
):
    user = make_user()
    request_reset(user.username)
    link = password_link_in(user)

    response = choose_password(client, link, NEW_PASSWORD, "un autre mot de passe solide")

    assert response.status_code == 422
    assert "Les deux mots de passe saisis ne sont pas identiques." in text(response)


def test_empty_new_password_is_required(
    client, make_user, request_reset, password_link_in, choose_password
):
    user = make_user()
    request_reset(user.username)

    response = choose_password(client, password_link_in(user), "", "")

    assert response.status_code == 422
    assert REQUIRED in text(response)


def test_new_password_replaces_the_old_one_and_ends_every_session(
    client,
    make_user,
    make_client,
    signed_in_client,
    submit_as,
    request_reset,
    password_link_in,
    choose_password,
    outbox,
    is_signed_in,
    sessions_of,
):
    user = make_user()
    elsewhere = signed_in_client(user)  # perhaps an attacker who knew the old password
    request_reset(user.username)

    response = choose_password(client, password_link_in(user), NEW_PASSWORD)

    assert response.status_code == 303
    assert location_path(response) == "/connexion"
    assert "Votre mot de passe est enregistré." in text(client.get("/connexion"))
    assert not is_signed_in(elsewhere)
    assert all(session.ended_at is not None for session in sessions_of(user))
    notice = outbox.last(user.email)
    assert notice.template == "password_changed"
    assert NEW_PASSWORD not in notice.text_body + notice.html_body

    old = submit_as(
        make_client(), "/connexion", {"login": user.username, "password": DEFAULT_PASSWORD}
    )
    assert old.status_code == 401
    assert WRONG in text(old)
    new = submit_as(make_client(), "/connexion", {"login": user.username, "password": NEW_PASSWORD})
    assert new.status_code == 303


# --- Links that no longer work ------------------------------------------------------------------

LINK_UNUSABLE = "Lien expiré ou déjà utilisé"


def test_link_works_only_once(
    client, make_user, request_reset, password_link_in, choose_password, make_client
):
    user = make_user()
    request_reset(user.username)
    link = password_link_in(user)
    choose_password(client, link, NEW_PASSWORD)

    again = make_client().get(link)

    assert again.status_code == 410
    assert LINK_UNUSABLE in text(again)
    assert 'href="/mot-de-passe/oublie"' in again.get_data(as_text=True)


def test_link_cannot_be_posted_to_once_used(
    client, make_user, request_reset, password_link_in, submit_as, make_client
):
    user = make_user()
    request_reset(user.username)
    link = password_link_in(user)
    attacker = make_client()
    opened_early = attacker.get(link)  # the page was opened before the owner used the link
    csrf = csrf_token_of(opened_early.get_data(as_text=True))
    submit_as(client, link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})

    late = attacker.post(
        link,
        data={
            "csrf_token": csrf,
            "password": "celui de l'attaquant 123",
            "confirmation": "celui de l'attaquant 123",
        },
    )

    assert late.status_code == 410
    assert LINK_UNUSABLE in text(late)


def test_expired_link_no_longer_works(
    client, make_user, request_reset, password_link_in, expire_links
):
    user = make_user()
    request_reset(user.username)
    link = password_link_in(user)

    expire_links(user)

    response = client.get(link)
    assert response.status_code == 410
    assert LINK_UNUSABLE in text(response)


def test_reset_link_lasts_one_hour(app, db, make_user, request_reset):
    user = make_user()
    request_reset(user.username)

    link = db.session.scalar(sa.select(PasswordLink).where(PasswordLink.user_id == user.id))

    assert link.purpose == LinkPurpose.RESET
    lifetime = (link.expires_at - link.created_at).total_seconds()
    assert abs(lifetime - app.config["PASSWORD_RESET_LINK_TTL"]) < 5


def test_newer_link_makes_the_older_one_unusable(
    client, make_user, request_reset, password_link_in, outbox
):
    user = make_user()
    request_reset(user.username)
    older = password_link_in(user)
    request_reset(user.email)
    newer = password_link_in(user)
    assert older != newer

    assert client.get(older).status_code == 410
    assert client.get(newer).status_code == 200


def test_link_stops_working_when_the_account_is_disabled(
    client, db, make_user, request_reset, password_link_in
):
    user = make_user()
    request_reset(user.username)
    link = password_link_in(user)

    user.status = UserStatus.DISABLED
    db.session.commit()

    assert client.get(link).status_code == 410


@pytest.mark.parametrize(
    "token",
    ["garbage", "x" * 5000, "A" * 43, "%00", "%C3%A9t%C3%A9", "' OR 1=1 --", "..%5C..%5Cetc"],
    ids=["garbage", "very-long", "well-formed", "nul", "accents", "sql", "dots"],
)
def test_unknown_token_gets_the_unusable_link_page_never_an_error(client, token):
    response = client.get(f"/mot-de-passe/definir/{token}")

    assert response.status_code == 410
    assert LINK_UNUSABLE in text(response)


def test_unknown_token_refuses_a_post_too(client):
    csrf = csrf_token_of(client.get("/mot-de-passe/oublie").get_data(as_text=True))

    response = client.post(
        "/mot-de-passe/definir/garbage",
        data={"csrf_token": csrf, "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
    )

    assert response.status_code == 410


def test_control_characters_in_the_login_are_refused_politely(request_reset, outbox):
    response = request_reset("camille\x00@laboratoire.fr")

    assert response.status_code == 422
    assert "Ce champ contient des caractères non autorisés." in text(response)
    assert outbox.messages() == []
