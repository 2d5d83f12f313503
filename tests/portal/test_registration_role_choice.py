"""The first page of every registration, "Inscrivez-vous": choosing a role leads to its journey."""

import pytest

from tests.portal.pages import error_of_field, location_path, text

ROLE_REQUIRED = "Sélectionnez votre rôle."


def test_role_choice_page_shows_the_three_roles_of_the_guide(client):
    response = client.get("/inscription")

    assert response.status_code == 200
    page = text(response)
    assert "Inscrivez-vous" in page
    assert "* champs obligatoires" in page
    assert "Votre rôle" in page
    assert "Vous êtes *" in page
    for label in ("Mandataire", "Représentant", "Salarié"):
        assert label in page
    assert "Vous devez sélectionner ce rôle si vous êtes le mandataire social de votre entreprise." in page
    assert "Retourner à la page d'accueil" in page
    assert "Suivant" in page
    assert "vous vous voulez" not in page.lower()


@pytest.mark.parametrize(
    ("role", "title"),
    [
        ("mandataire", "Inscrivez-vous en tant que mandataire"),
        ("representant", "Inscrivez-vous en tant que représentant"),
        ("salarie", "Inscrivez-vous en tant que salarié"),
    ],
)
def test_each_role_leads_to_its_own_page(client, submit, role, title):
    response = submit("/inscription", {"role": role})

    assert response.status_code == 303
    assert location_path(response) == f"/inscription/{role}"
    page = client.get(location_path(response))
    assert page.status_code == 200
    assert title in text(page)


def test_mandataire_page_lists_the_kbis_and_the_phone_with_a_camera(client, app):
    page = text(client.get("/inscription/mandataire"))

    assert "Kbis de votre entreprise de moins de 3 mois" in page
    assert "téléphone portable doté d'une caméra" in page
    assert app.config["SUPPORT_EMAIL"] in page


@pytest.mark.parametrize("role", ["representant", "salarie"])
def test_representant_and_salarie_journeys_start_with_the_search_of_their_company(client, app, role):
    page = text(client.get(f"/inscription/{role}"))

    assert "Votre entreprise Étape 2 sur 4" in page
    assert "votre entreprise et son mandataire social sont déjà inscrits sur le fournisseur d'identité" in page
    assert "SIREN" in page and "SIRET" in page
    assert "Chercher" in page
    assert app.config["SUPPORT_EMAIL"] in page
    assert "ouvre prochainement" not in page


def test_role_page_links_back_to_the_choice_with_its_role_selected(client):
    response = client.get("/inscription?role=salarie")

    assert 'value="salarie" required checked' in response.get_data(as_text=True)
    assert "/inscription?role=salarie" in client.get("/inscription/salarie").get_data(as_text=True)


def test_missing_role_is_refused_in_french(submit):
    response = submit("/inscription", {})

    assert response.status_code == 422
    page = text(response)
    assert "Le formulaire contient une erreur" in page
    assert ROLE_REQUIRED in page
    assert ROLE_REQUIRED in error_of_field(response, "role")


def test_a_role_query_does_not_stand_for_the_posted_role(client, submit):
    response = submit("/inscription?role=mandataire", {}, form_url="/inscription")

    assert response.status_code == 422
    assert ROLE_REQUIRED in text(response)


@pytest.mark.parametrize("value", ["administrateur", "agent", "Mandataire", ""])
def test_unknown_role_value_is_refused(submit, value):
    response = submit("/inscription", {"role": value})

    assert response.status_code == 422
    page = text(response)
    assert "Le formulaire contient une erreur" in page
    assert "Not a valid choice" not in page


@pytest.mark.parametrize("path", ["/inscription/xyz", "/inscription/agent", "/inscription/Mandataire"])
def test_unknown_role_page_is_not_found(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page non trouvée" in text(response)


def test_role_choice_without_csrf_token_is_refused(client):
    response = client.post("/inscription", data={"role": "mandataire"})

    assert response.status_code == 400
    assert "Le formulaire a expiré" in text(response)
    assert "Location" not in response.headers


def test_signed_in_user_is_sent_to_the_dashboard(client, make_user, sign_in):
    sign_in(make_user("mandataire"))

    for path in ("/inscription", "/inscription/salarie"):
        response = client.get(path)
        assert response.status_code == 302
        assert location_path(response) == "/tableau-de-bord"
