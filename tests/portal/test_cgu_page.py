"""The conditions générales d'utilisation: a real page, with the version registrations record."""

from isc.portal.pages import CGU_DATE, CGU_VERSION
from tests.portal.pages import text


def test_cgu_page_shows_its_version_and_date(client):
    response = client.get("/cgu")

    assert response.status_code == 200
    page = text(response)
    assert "Conditions générales d'utilisation" in page
    assert f"Version {CGU_VERSION} du {CGU_DATE}" in page
    assert CGU_VERSION == "1.0"


def test_cgu_cover_the_roles_the_checks_and_personal_data(client, app):
    page = text(client.get("/cgu"))

    for heading in (
        "Objet",
        "Définitions",
        "Accès au service et inscription",
        "Obligations de l'utilisateur",
        "Données personnelles",
        "Sécurité",
        "Droit applicable",
    ):
        assert heading in page
    for word in ("Mandataire", "Représentant", "Salarié", "Kbis", "Ubble", "mission d'intérêt public"):
        assert word in page
    assert "délégué à la protection des données de l'ANS" in page
    assert app.config["SUPPORT_EMAIL"] in page


def test_every_page_footer_links_to_the_cgu(client):
    for path in ("/", "/connexion", "/inscription"):
        assert 'href="/cgu"' in client.get(path).get_data(as_text=True)
