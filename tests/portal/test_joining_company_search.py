"""Étape 2 « Votre entreprise » of the représentant's and salarié's registration: « Chercher »
finds a registered company by any of its identifiers, explains when it is not registered, and
refuses malformed or hostile input in French."""

import io

import pytest
from werkzeug.datastructures import MultiDict

from isc.models import CompanyStatus, IdentifierType
from tests.conftest import csrf_token_of
from tests.portal.pages import error_of_field, location_path, text

SIREN = "842915308"
SIRET = "84291530800014"  # an establishment of SIREN
FRENCH_VAT = "FR71842915308"  # SIREN's VAT number
NOT_REGISTERED = "Votre entreprise n'est pas inscrite sur le fournisseur d'identité"


@pytest.fixture
def logipro(make_company):
    return make_company(
        identifier_value=SIREN, name="LOGIPRO", head_office_address="20 avenue Charles de Gaulle, 75008 Paris"
    )


@pytest.fixture
def search(client, submit):
    """`search(kind, value, role="salarie")`: press « Chercher »; the page it leads to."""

    def press(kind: str, value: str, role: str = "salarie", follow: bool = True):
        response = submit(f"/inscription/{role}", {"identifier_type": kind, "identifier": value})
        if follow and response.status_code == 303:
            assert location_path(response) == f"/inscription/{role}"
            return client.get(f"/inscription/{role}")
        return response

    return press


def assert_found(response, *facts):
    assert response.status_code == 200
    page = text(response)
    assert "Informations entreprise" in page
    for fact in facts:
        assert fact in page, fact
    assert '/informations">Suivant</a>' in response.get_data(as_text=True)
    assert NOT_REGISTERED not in page


@pytest.mark.parametrize("role, title", [("representant", "représentant"), ("salarie", "salarié")])
def test_page_shows_the_stepper_the_callout_and_the_search_form(client, app, role, title):
    response = client.get(f"/inscription/{role}")

    assert response.status_code == 200
    page = text(response)
    assert f"Inscrivez-vous en tant que {title}" in page
    assert "* champs obligatoires" in page
    assert "Votre entreprise Étape 2 sur 4" in page
    assert "Étape suivante : Informations personnelles" in page
    for step in ("Votre rôle", "Votre entreprise", "Informations personnelles", "Validation"):
        assert step in page
    assert "Important à savoir" in page
    assert "rapprochez-vous du mandataire social de votre entreprise" in page
    assert app.config["SUPPORT_EMAIL"] in page
    assert "Type d'identifiant *" in page and "Identifiant *" in page
    for option in ("SIREN (France)", "SIRET (France)", "N° de TVA intracommunautaire", "Identifiant étranger"):
        assert option in page
    assert "Chercher" in page
    assert "Informations entreprise" not in page
    assert "Suivant</a>" not in response.get_data(as_text=True)  # nothing found yet: no « Suivant »
    assert f'href="/inscription?role={role}">Retour' in response.get_data(as_text=True)


def test_search_by_siren_shows_the_company_and_next(search, logipro):
    response = search("siren", "842 915 308")

    assert_found(response, "SIREN (France) 842 915 308", "Raison sociale LOGIPRO",
                 "Adresse du siège 20 avenue Charles de Gaulle, 75008 Paris")
    # The identifier typed stays in the form.
    assert 'value="842 915 308"' in response.get_data(as_text=True)


def test_search_by_the_siret_of_an_establishment_finds_its_company(search, logipro):
    assert_found(search("siret", "842 915 308 00014"), "Raison sociale LOGIPRO")


def test_search_by_french_vat_number_finds_the_company_of_its_siren(search, logipro):
    assert_found(search("eu_vat", "FR 71 842915308"), "Raison sociale LOGIPRO")


def test_search_by_vat_number_finds_a_company_registered_under_it(search, make_company):
    make_company(identifier_type=IdentifierType.EU_VAT, identifier_value="DE136695976", name="Pharma GmbH",
                 head_office_address="Hauptstraße 1, 10115 Berlin")

    assert_found(search("eu_vat", "de 136695976"), "N° de TVA intracommunautaire DE136695976",
                 "Raison sociale Pharma GmbH")


def test_search_by_foreign_identifier_finds_the_company(search, make_company):
    make_company(identifier_type=IdentifierType.FOREIGN, identifier_value="CHE123456789", name="Helvetica SA")

    assert_found(search("foreign", "che 123456789", role="representant"), "Identifiant étranger CHE123456789",
                 "Raison sociale Helvetica SA")


def test_unknown_company_is_explained_with_the_mandataire_s_registration(search, logipro):
    response = search("siren", "732 829 320")

    assert response.status_code == 200
    page = text(response)
    assert NOT_REGISTERED in page
    assert "le mandataire social de votre entreprise doit d'abord créer son compte" in page
    assert "Informations entreprise" not in page
    assert 'href="/inscription/mandataire"' in response.get_data(as_text=True)
    assert "Suivant</a>" not in response.get_data(as_text=True)


def test_a_siret_of_another_siren_finds_nothing(search, logipro):
    assert NOT_REGISTERED in text(search("siret", "73282932000074"))


def test_same_number_under_another_type_is_not_the_company(search, make_company):
    make_company(identifier_type=IdentifierType.FOREIGN, identifier_value="B123456", name="Foreign Ltd")

    assert NOT_REGISTERED in text(search("eu_vat", "BE0403170701"))


@pytest.mark.parametrize("status", [CompanyStatus.PENDING, CompanyStatus.SUSPENDED])
def test_company_not_active_is_not_found(search, make_company, status):
    make_company(identifier_value=SIREN, name="LOGIPRO", status=status)

    page = text(search("siren", SIREN))

    assert NOT_REGISTERED in page
    assert "LOGIPRO" not in page


@pytest.mark.parametrize(
    "kind, value, message",
    [
        ("siren", "123456789", "Le SIREN n'est pas valide : il compte 9 chiffres"),
        ("siren", "84291530", "Le SIREN n'est pas valide"),
        ("siret", "842915308", "Le SIRET n'est pas valide : il compte 14 chiffres"),
        ("siret", "84291530800015", "Le SIRET n'est pas valide"),
        ("eu_vat", "FR00842915308", "Le numéro de TVA intracommunautaire n'est pas valide"),
        ("eu_vat", "XX123", "Le numéro de TVA intracommunautaire n'est pas valide"),
        ("foreign", "A", "L'identifiant n'est pas valide : de 2 à 32 lettres ou chiffres."),
        ("foreign", "ABC-123/45", "L'identifiant n'est pas valide"),
    ],
)
def test_malformed_identifier_is_refused_on_the_field(search, logipro, kind, value, message):
    response = search(kind, value)

    assert response.status_code == 422
    page = text(response)
    assert "Le formulaire contient une erreur" in page
    assert message in error_of_field(response, "identifier")
    assert "Informations entreprise" not in page and NOT_REGISTERED not in page
    assert f'value="{value}"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"identifier_type": "siren", "identifier": ""}, "identifier", "Saisissez l'identifiant de votre entreprise."),
        ({"identifier_type": "siren", "identifier": "   "}, "identifier", "Saisissez l'identifiant de votre entreprise."),
        ({"identifier_type": "siren", "identifier": "8" * 5000}, "identifier", "64 caractères au plus."),
        ({"identifier_type": "siren", "identifier": "842915308\x00"}, "identifier", "caractères non autorisés"),
        ({"identifier_type": "foreign", "identifier": "<script>alert(1)</script>"}, "identifier",
         "L'identifiant n'est pas valide"),
        ({"identifier_type": "", "identifier": SIREN}, "identifier_type",
         "Sélectionnez le type d'identifiant de votre entreprise."),
        ({"identifier_type": "rcs", "identifier": SIREN}, "identifier_type",
         "Sélectionnez l'un des types d'identifiant proposés."),
        ({"identifier_type": "SIREN", "identifier": SIREN}, "identifier_type",
         "Sélectionnez l'un des types d'identifiant proposés."),
        ({"identifier": SIREN}, "identifier_type", "Sélectionnez le type d'identifiant de votre entreprise."),
        ({"identifier_type": "siren"}, "identifier", "Saisissez l'identifiant de votre entreprise."),
    ],
)
def test_hostile_input_gets_a_french_message_on_its_field(submit, logipro, data, field, message):
    response = submit("/inscription/salarie", data)

    assert response.status_code == 422
    assert message in error_of_field(response, field)
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "Not a valid choice" not in body and "This field is required" not in body


def test_an_identifier_sent_as_a_file_or_twice_is_refused_without_error(client, logipro):
    token = csrf_token_of(client.get("/inscription/salarie").get_data(as_text=True))

    as_file = client.post("/inscription/salarie", content_type="multipart/form-data", data={
        "csrf_token": token, "identifier_type": "siren", "identifier": (io.BytesIO(b"842915308"), "siren.txt"),
    })
    twice = client.post("/inscription/salarie", data=MultiDict([
        ("csrf_token", token), ("identifier_type", "foreign"), ("identifier_type", "siren"),
        ("identifier", "<b>"), ("identifier", SIREN),
    ]))

    assert as_file.status_code == 422
    assert "Saisissez l'identifiant de votre entreprise." in error_of_field(as_file, "identifier")
    assert twice.status_code == 422  # the first of each is taken: a foreign identifier "<b>"
    assert "L'identifiant n'est pas valide" in error_of_field(twice, "identifier")


def test_posted_company_id_is_ignored(client, submit, logipro, make_company):
    other = make_company(name="Autre entreprise")

    response = submit("/inscription/salarie", {"identifier_type": "siren", "identifier": SIREN,
                                               "company_id": str(other.id)})
    page = text(client.get(location_path(response)))

    assert "LOGIPRO" in page and "Autre entreprise" not in page


def test_a_new_search_forgets_the_company_found_before(client, search, logipro):
    search("siren", SIREN)

    page = text(search("siren", "732 829 320"))

    assert NOT_REGISTERED in page and "LOGIPRO" not in page
    assert client.get("/inscription/salarie/informations").status_code == 303


def test_company_found_for_one_role_is_not_taken_for_the_other(client, search, logipro):
    search("siren", SIREN, role="representant")

    assert "Informations entreprise" not in text(client.get("/inscription/salarie"))
    response = client.get("/inscription/salarie/informations")
    assert response.status_code == 303
    assert location_path(response) == "/inscription/salarie"


def test_search_without_csrf_token_is_refused(client, logipro):
    response = client.post("/inscription/salarie", data={"identifier_type": "siren", "identifier": SIREN})

    assert response.status_code == 400
    assert "Le formulaire a expiré" in text(response)
    assert "Informations entreprise" not in text(client.get("/inscription/salarie"))


@pytest.mark.settings(COMPANY_SEARCH_LIMIT_PER_IP="3 per 10 minutes")
def test_searches_are_throttled_per_address(make_client, logipro):
    def press(browser):
        token = csrf_token_of(browser.get("/inscription/salarie").get_data(as_text=True))
        return browser.post("/inscription/salarie", data={"csrf_token": token, "identifier_type": "siren",
                                                          "identifier": SIREN})

    browser = make_client("198.51.100.7")
    for _ in range(3):
        assert press(browser).status_code == 303

    response = press(browser)
    assert response.status_code == 429
    assert "Trop de tentatives" in text(response)
    assert "Patientez quelques minutes" in text(response)
    assert browser.get("/inscription/salarie").status_code == 200  # the page itself stays open
    assert press(make_client("198.51.100.8")).status_code == 303  # another address is not affected


def test_signed_in_user_is_sent_to_the_dashboard(client, make_user, sign_in):
    sign_in(make_user("salarie"))

    for path in ("/inscription/representant", "/inscription/salarie/informations", "/inscription/salarie/validation"):
        response = client.get(path)
        assert response.status_code == 302
        assert location_path(response) == "/tableau-de-bord"


@pytest.mark.parametrize("path", ["/inscription/agent", "/inscription/Salarie", "/inscription/mandataire/informations"])
def test_other_roles_have_no_such_journey(client, path):
    assert client.get(path).status_code == 404
