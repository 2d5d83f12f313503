"""The first password: an account without one gets a link to set it, then signs in."""

import sqlalchemy as sa

from isc import accounts
from isc.models import LinkPurpose, PasswordLink
from tests.conftest import DEFAULT_PASSWORD
from tests.portal.pages import location_path, text

FIRST_PASSWORD = "ma toute première phrase secrète"


def test_setup_link_is_emailed_and_lasts_three_days(app, db, make_user, outbox, password_link_in):
    user = make_user(password=None)

    accounts.send_setup_link(user)
    db.session.commit()

    message = outbox.last(user.email)
    assert message.template == "password_setup"
    assert message.subject == "Votre compte Industriels Santé Connect est activé"
    assert "Ce lien est valable 72 heures" in message.text_body
    assert f"votre nom d'utilisateur est : {user.username}" in message.text_body
    assert password_link_in(user).startswith("/mot-de-passe/definir/")
    link = db.session.scalar(sa.select(PasswordLink).where(PasswordLink.user_id == user.id))
    assert link.purpose == LinkPurpose.SETUP
    lifetime = (link.expires_at - link.created_at).total_seconds()
    assert abs(lifetime - app.config["PASSWORD_SETUP_LINK_TTL"]) < 5


def test_setup_link_opens_the_first_password_page(client, db, make_user, password_link_in):
    user = make_user(password=None, first_name="Aurélie")
    accounts.send_setup_link(user)
    db.session.commit()

    response = client.get(password_link_in(user))

    assert response.status_code == 200
    page = text(response)
    assert "Initialisez votre mot de passe" in page
    assert "Bonjour Aurélie" in page
    assert user.username in page
    assert "Mot de passe actuel" not in page


def test_first_password_lets_the_user_sign_in(
    client, db, make_user, make_client, submit_as, password_link_in, outbox
):
    user = make_user(password=None)
    accounts.send_setup_link(user)
    db.session.commit()
    link = password_link_in(user)
    assert user.email_verified_at is None

    response = submit_as(client, link, {"password": FIRST_PASSWORD, "confirmation": FIRST_PASSWORD})

    assert response.status_code == 303
    assert location_path(response) == "/connexion"
    db.session.expire_all()
    assert user.email_verified_at is not None  # the link reached the address
    assert outbox.last(user.email).template == "password_changed"
    signed_in = submit_as(
        make_client(), "/connexion", {"login": user.email, "password": FIRST_PASSWORD}
    )
    assert signed_in.status_code == 303
    assert location_path(signed_in) == "/tableau-de-bord"
    assert client.get(link).status_code == 410


def test_forgotten_password_without_a_first_password_sends_the_setup_link_again(
    client, db, make_user, make_client, submit_as, password_link_in, outbox
):
    user = make_user(password=None)

    submit_as(make_client(), "/mot-de-passe/oublie", {"login": user.username})

    link = db.session.scalar(sa.select(PasswordLink).where(PasswordLink.user_id == user.id))
    assert link.purpose == LinkPurpose.SETUP
    message = outbox.last(user.email)
    assert message.template == "password_setup"
    assert "Ce lien est valable 72 heures" in message.text_body  # what the link really lasts
    response = client.get(password_link_in(user))
    assert response.status_code == 200
    assert "Initialisez votre mot de passe" in text(response)


def test_reset_page_is_not_titled_as_a_first_password(
    client, make_user, make_client, submit_as, password_link_in
):
    user = make_user(password=DEFAULT_PASSWORD)
    submit_as(make_client(), "/mot-de-passe/oublie", {"login": user.username})

    response = client.get(password_link_in(user))

    assert response.status_code == 200
    assert "Définissez un nouveau mot de passe" in text(response)
    assert "Initialisez votre mot de passe" not in text(response)
