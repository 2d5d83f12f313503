"""The reason of a refusal, as a careless or hostile person types it: empty, far too long,
control characters, markup. Each gets a French message on its field (422, nothing typed lost,
nothing decided), or is kept verbatim and shown as text, never as markup."""

import html

import pytest

from isc import membership
from isc.models import Demande, DemandeStatus, Role
from tests.portal.pages import error_of_field, text

REQUIRED = "Expliquez la raison du refus : la personne la recevra par e-mail."
TOO_LONG = "Le motif du refus ne peut pas dépasser 2000 caractères."
CONTROL = "Le motif du refus contient des caractères non autorisés : retirez-les, puis envoyez à nouveau."


@pytest.fixture
def setting(app, db, make_company, make_user, signed_in_client):
    """(browser of the company's mandataire, a pending registration demande)."""
    company = make_company()
    mandataire = make_user("mandataire", company=company)
    with app.test_request_context():
        demande = membership.request_registration(company, Role.SALARIE, {
            "username": "lea.petit", "civility": "madame", "first_name": "Léa", "last_name": "Petit",
            "email": "lea.petit@example.fr", "direct_phone": "01 23 45 67 89", "phone": "",
        }, "v1")
    db.session.commit()
    return signed_in_client(mandataire), demande


def still_pending(db, demande) -> bool:
    db.session.expire_all()
    return db.session.get(Demande, demande.id).status == DemandeStatus.PENDING


@pytest.mark.parametrize("reason, message", [
    ("", REQUIRED),
    (" \n\t ", REQUIRED),
    ("x" * 5000, TOO_LONG),
    ("x" * 2001, TOO_LONG),
    ("Inconnu\x00", CONTROL),
    ("Inconnu\x07\x1b[31m", CONTROL),
    ("Inconnu\u202e", CONTROL),
])
def test_unusable_reasons_get_a_french_message_on_the_field(db, setting, submit_as, outbox, reason, message):
    browser, demande = setting
    sent = len(outbox.messages())

    response = submit_as(browser, f"/demandes/{demande.id}/refuser", {"reason": reason})

    assert response.status_code == 422
    assert message in error_of_field(response, "reason")
    assert "Le formulaire contient une erreur" in text(response)
    assert still_pending(db, demande)
    assert len(outbox.messages()) == sent


def test_a_too_long_reason_is_given_back_to_be_shortened(setting, submit_as):
    browser, demande = setting
    typed = "Motif très détaillé. " * 250  # about 5,000 characters

    response = submit_as(browser, f"/demandes/{demande.id}/refuser", {"reason": typed})

    assert response.status_code == 422
    assert html.escape(typed.strip(), quote=False) in response.get_data(as_text=True)


def test_a_missing_reason_field_is_required(setting, submit_as):
    browser, demande = setting

    response = submit_as(browser, f"/demandes/{demande.id}/refuser", {})

    assert response.status_code == 422
    assert REQUIRED in error_of_field(response, "reason")


def test_a_reason_of_2000_characters_with_line_breaks_is_accepted(db, setting, submit_as, outbox):
    browser, demande = setting
    reason = ("Ligne\tavec tabulation\r\n" + "é" * 1900)[:2000]

    response = submit_as(browser, f"/demandes/{demande.id}/refuser", {"reason": reason})

    assert response.status_code == 303
    assert not still_pending(db, demande)
    assert "é" * 1900 in outbox.last("lea.petit@example.fr").text_body


def test_markup_in_a_reason_is_kept_as_text(db, setting, submit_as, outbox):
    browser, demande = setting
    reason = '<script>alert("x")</script><img src=x onerror=alert(1)> 🙂'

    response = submit_as(browser, f"/demandes/{demande.id}/refuser", {"reason": reason})

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Demande, demande.id).decision_comment == reason
    message = outbox.last("lea.petit@example.fr")
    assert reason in message.text_body
    assert "<script>" not in message.html_body and "&lt;script&gt;" in message.html_body
    detail = browser.get(f"/demandes/{demande.id}")
    body = detail.get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body
    assert f"Motif du refus : {reason}" in text(detail)
