"""A file or a JSON body sent where a form expects text is nothing typed: the form answers
with its French messages (or the CSRF refusal), never a 500."""

import io

import pytest

from tests.conftest import csrf_token_of

FORMS = [
    ("/connexion", {"login": "x", "password": "y"}),
    ("/mot-de-passe/oublie", {"login": "x"}),
    ("/inscription/mandataire", {"username": "x", "first_name": "y", "email": "z"}),
    ("/inscription", {"role": "salarie"}),
]


@pytest.mark.parametrize("url, fields", FORMS)
def test_a_file_under_a_text_field_is_refused_cleanly(client, url, fields):
    token = csrf_token_of(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token}
    data.update({name: (io.BytesIO(b"%PDF-1.4 not text"), "kbis.pdf") for name in fields})

    response = client.post(url, data=data, content_type="multipart/form-data")

    assert response.status_code < 500
    assert response.status_code in (200, 303, 400, 401, 422)


@pytest.mark.parametrize("url, fields", FORMS)
def test_a_json_body_is_not_read_as_the_form(client, url, fields):
    response = client.post(url, json=["not", "pairs"])

    assert response.status_code == 400  # no CSRF token in the form body
