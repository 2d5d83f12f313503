"""The stand-in's hosted page: French, QR code, the guide's steps, tester buttons, CSP-clean."""

import re
from html import unescape
from datetime import timedelta

import pytest

from isc.identity import standin
from isc.identity.standin import flow
from tests.conftest import csrf_token_of


@pytest.fixture
def client(standin_app):
    return standin_app.test_client()


@pytest.fixture
def attempt(client):
    """A verification with an attempt, through the stand-in's API; returns (idv id, page path)."""
    applicant = client.post("/_partenaire/ubble/v2/applicants", json={"email": "c@example.fr"}).json
    verification = client.post(
        "/_partenaire/ubble/v2/identity-verifications",
        json={
            "applicant_id": applicant["id"],
            "declared_data": {"name": "Camille Martin"},
            "redirect_url": "http://isc.example/retour",
        },
    ).json
    created = client.post(
        f"/_partenaire/ubble/v2/identity-verifications/{verification['id']}/attempts", json={}
    ).json
    url = created["_links"]["verification_url"]["href"]
    return verification["id"], url.removeprefix("http://localhost")


def test_page_shows_the_steps_a_qr_code_and_the_tester_buttons(client, attempt):
    _idv_id, path = attempt
    response = client.get(path)
    html = unescape(response.get_data(as_text=True))

    assert response.status_code == 200
    assert '<html lang="fr">' in html
    for text in (
        "Poursuivez sur votre téléphone mobile",
        "Ne fermez pas et ne rechargez pas cette page",
        "Choix de la pièce d'identité utilisée",
        "Je filme mon visage",
        "Pays émetteur",
        "Valider la vérification",
        "Refuser la vérification",
        "Demander une nouvelle tentative",
        "Abandonner le parcours",
        "Camille Martin",
    ):
        assert text in html, text
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)"', html)
    assert qr, "no QR code image"
    for code in ("62101", "62201", "62301", "62304", "62305", "62401", "61301"):
        assert f'value="{code}"' in html
    assert 'value="MARTIN"' in html and 'value="CAMILLE"' in html  # what the document would print


def test_page_obeys_the_content_security_policy(client, attempt):
    response = client.get(attempt[1])
    html = response.get_data(as_text=True)
    assert "img-src 'self' data:" in response.headers["Content-Security-Policy"]
    assert "<script" not in html and "<style" not in html and " style=" not in html


def test_unknown_link_is_a_french_404(client):
    response = client.get("/_partenaire/ubble/parcours/nope")
    assert response.status_code == 404
    assert "Lien inconnu" in response.get_data(as_text=True)


def test_link_expires_after_fifteen_minutes(client, standin_app, attempt):
    idv_id, path = attempt
    token = path.rsplit("/", 1)[1]
    with standin.store(standin_app).transaction() as records:
        link = records.get("link", token)
        record = records.get("attempt", link["attempt_id"])
        record["created_on"] = flow._stamp(flow._now() - flow.ATTEMPT_TTL - timedelta(minutes=1))
        records.put("attempt", record["id"], record)

    response = client.get(path)

    assert response.status_code == 410
    assert "Lien expiré" in response.get_data(as_text=True)
    assert standin.store(standin_app).get("verification", idv_id)["status"] == "pending"


def test_incomplete_choice_is_explained_on_the_page(client, attempt):
    idv_id, path = attempt
    page = client.get(path).get_data(as_text=True)
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token_of(page),
            "decision": "decline",
            "decline_code": "12345",
            "document_type": "ID",
            "issuing_country": "FRA",
            "last_name": "",
            "birth_date": "hier",
        },
    )
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Choisissez un motif de refus dans la liste." in html
    assert "Saisissez le nom figurant sur la pièce d'identité." in html
    assert "Saisissez une date de naissance valide" in html


def test_choice_needs_the_form_token(client, attempt):
    assert client.post(attempt[1], data={"decision": "approve"}).status_code == 400


def test_specimen_images_stand_for_the_photos(client, attempt):
    idv_id, _ = attempt
    response = client.get(f"/_partenaire/ubble/specimens/{idv_id}/recto.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "Illustration spécimen" in response.get_data(as_text=True)
    assert client.get(f"/_partenaire/ubble/specimens/{idv_id}/autre.svg").status_code == 404


def test_api_errors_are_problem_documents(client):
    response = client.post(
        "/_partenaire/ubble/v2/applicants", data="not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json == {
        "error_type": "request_invalid",
        "error_codes": ["body_must_be_a_json_object"],
    }


def test_ids_look_like_the_partner_s():
    for prefix in ("aplt", "idv", "usj", "evnt"):
        value = flow.new_id(prefix)
        assert re.fullmatch(rf"{prefix}_[0-9a-hjkmnp-tv-z]{{26}}", value), value
    assert flow.new_id("idv") != flow.new_id("idv")
