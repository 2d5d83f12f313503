"""Error pages: French, with the right status, never a stack trace."""

import html
import logging

import pytest

from isc.models import Company


@pytest.fixture
def failing_route(app, db):
    """A route that changes the database, then fails unexpectedly."""

    def explode():
        db.session.add(Company(identifier_type="foreign", identifier_value="BOOM1", name="Boom"))
        db.session.flush()
        raise RuntimeError("secret detail of the failure: DATABASE_URL=postgresql://isc:hunter2@db")

    app.add_url_rule("/test-explode", view_func=explode, methods=["GET", "POST"])
    return "/test-explode"


def test_unknown_url_gets_a_french_404_page(client):
    response = client.get("/page-qui-n-existe-pas")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = html.unescape(response.get_data(as_text=True))
    assert "Page non trouvée" in page
    assert "Vérifiez l'adresse saisie" in page
    assert '<html lang="fr">' in page


def test_unknown_url_asked_for_json_gets_a_json_404(client):
    response = client.get("/page-qui-n-existe-pas", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"] == "Page non trouvée"


def test_unexpected_exception_gets_a_french_500_page_without_traceback(
    failing_route, client, caplog
):
    with caplog.at_level(logging.ERROR, logger="isc.errors"):
        response = client.get(failing_route)
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Erreur inattendue" in page
    assert "contactez le support" in page
    for leak in ("Traceback", "RuntimeError", "secret detail", "hunter2"):
        assert leak not in page
    # ... but the operators get the whole story in the log.
    (logged,) = [record for record in caplog.records if record.name == "isc.errors"]
    assert "Unexpected error on GET /test-explode" in logged.getMessage()
    assert logged.exc_info[0] is RuntimeError


def test_unexpected_exception_rolls_back_the_request_work(failing_route, client, db):
    client.post(failing_route)
    db.session.commit()  # a later commit in the same session finds nothing left to write
    assert db.session.query(Company).filter_by(identifier_value="BOOM1").count() == 0


def test_wrong_method_gets_405_with_allow_header(client):
    response = client.post("/")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "Action non permise" in response.get_data(as_text=True)


def test_form_without_csrf_token_gets_a_french_400_saying_what_to_do(client):
    response = client.post("/connexion", data={"login": "camille", "password": "x"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Le formulaire a expiré" in page
    assert "Rechargez la page" in page


@pytest.fixture
def small_uploads(app_config):
    app_config["MAX_CONTENT_LENGTH"] = 1024


def test_too_large_request_gets_a_french_413(small_uploads, client):
    response = client.post("/connexion", data={"login": "x" * 4096})
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.get_data(as_text=True)
