"""Étapes 3 « Informations personnelles » and 4 « Validation » of the représentant's and salarié's
registration: « Envoyer ma demande d'inscription » creates a pending account and its demande,
e-mailed to the applicant and to those who decide it; every refusal is French and on its field."""

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from isc.models import Civility, CompanyStatus, Demande, DemandeKind, DemandeStatus, Role, User, UserStatus
from isc.models.audit import AuditEvent
from isc.models.registration import Registration, RegistrationStatus
from tests.conftest import csrf_token_of
from tests.portal.pages import error_of_field, location_path, text

SIREN = "842915308"
REQUIRED = "Ce champ est obligatoire."
APPLICANT = {
    "username": "jean.dupont",
    "civility": "monsieur",
    "first_name": "Jean",
    "last_name": "Dupont",
    "email": "jean.dupont@logipro.fr",
    "direct_phone": "01 23 45 67 89",
    "phone": "",
    "accept_cgu": "y",
}


@pytest.fixture
def logipro(make_company, make_user):
    """The company, its mandataire, one représentant, one salarié, and a disabled représentant."""
    company = make_company(identifier_value=SIREN, name="LOGIPRO")
    make_user("mandataire", company=company, username="pf.durand", email="pf.durand@logipro.fr")
    make_user("representant", company=company, username="a.durand", email="a.durand@logipro.fr")
    make_user("salarie", company=company, username="l.moreau", email="l.moreau@logipro.fr")
    make_user("representant", company=company, username="parti", email="parti@logipro.fr",
              status=UserStatus.DISABLED)
    return company


@pytest.fixture
def found(client, submit, logipro):
    """`found(role)`: « Chercher » LOGIPRO by its SIREN in the test's browser."""

    def search(role: str = "salarie"):
        response = submit(f"/inscription/{role}", {"identifier_type": "siren", "identifier": SIREN})
        assert response.status_code == 303, text(response)
        return response

    return search


@pytest.fixture
def send(client, submit, found):
    """`send(role="salarie", **changes)`: search the company, then send the personal details."""

    def post(role: str = "salarie", search: bool = True, **changes):
        if search:
            found(role)
        return submit(f"/inscription/{role}/informations", {**APPLICANT, **changes})

    return post


def applicants(db) -> list[User]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(User).where(User.status == UserStatus.PENDING)))


def demandes(db) -> list[Demande]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Demande)))


@pytest.mark.parametrize("role, label, deciders", [
    ("representant", "Représentant", "aux mandataires de votre entreprise"),
    ("salarie", "Salarié", "aux mandataires et aux représentants de votre entreprise"),
])
def test_page_shows_the_role_the_callout_and_the_guide_s_fields(client, found, role, label, deciders):
    found(role)

    response = client.get(f"/inscription/{role}/informations")

    assert response.status_code == 200
    page = text(response)
    assert "Informations personnelles Étape 3 sur 4" in page
    assert "Étape suivante : Validation" in page
    assert f"Le rôle que vous avez sélectionné {label} de l'entreprise LOGIPRO" in page
    assert "Important à savoir" in page and deciders in page
    for field in ("Nom d'utilisateur *", "Civilité *", "Prénom *", "Nom *", "Adresse e-mail *",
                  "N° de téléphone direct *"):
        assert field in page, field
    assert "N° de téléphone Facultatif" in page
    assert "En cochant cette case, vous acceptez les conditions générales d'utilisation du service *" in page
    body = response.get_data(as_text=True)
    assert 'href="/cgu"' in body
    assert "Envoyer ma demande d'inscription" in page
    assert f'href="/inscription/{role}">Retour' in body
    assert f'href="/inscription?role={role}">Choisir un autre rôle' in body


def test_salarie_s_demande_is_sent_to_mandataires_and_representants(send, db, outbox, logipro):
    response = send("salarie", phone="+32 2 555 12 12", username=" Jean.Dupont ", email="Jean.Dupont@LOGIPRO.fr")

    assert response.status_code == 303
    assert location_path(response) == "/inscription/salarie/validation"
    [applicant] = applicants(db)
    assert (applicant.role, applicant.company_id, applicant.status) == (Role.SALARIE, logipro.id, UserStatus.PENDING)
    assert (applicant.username, applicant.email) == ("jean.dupont", "jean.dupont@logipro.fr")
    assert (applicant.civility, applicant.first_name, applicant.last_name) == (Civility.MONSIEUR, "Jean", "Dupont")
    assert (applicant.direct_phone, applicant.phone) == ("+33123456789", "+3225551212")
    assert applicant.password_hash is None
    [demande] = demandes(db)
    assert (demande.kind, demande.status, demande.user_id, demande.company_id) == (
        DemandeKind.REGISTRATION, DemandeStatus.PENDING, applicant.id, logipro.id)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "demande.registration_requested"))
    assert event is not None and event.details["cgu_version"] == "1.0"

    recipients = sorted(message.recipient for message in outbox.messages())
    assert recipients == sorted(["jean.dupont@logipro.fr", "pf.durand@logipro.fr", "a.durand@logipro.fr"])
    acknowledgement = outbox.last("jean.dupont@logipro.fr")
    assert "LOGIPRO" in acknowledgement.text_body and "jean.dupont" in acknowledgement.text_body
    to_decide = outbox.last("a.durand@logipro.fr")
    assert "Jean Dupont" in to_decide.subject
    assert f"http://localhost/demandes/{demande.id}" in outbox.links(to_decide)


def test_representant_s_demande_goes_only_to_mandataires(send, db, outbox):
    assert send("representant").status_code == 303

    recipients = sorted(message.recipient for message in outbox.messages())
    assert recipients == ["jean.dupont@logipro.fr", "pf.durand@logipro.fr"]
    assert applicants(db)[0].role == Role.REPRESENTANT


def test_validation_page_confirms_and_a_reload_sends_nothing(client, send, db, outbox):
    send("salarie")
    sent = len(outbox.messages())

    first = client.get("/inscription/salarie/validation")
    again = client.get("/inscription/salarie/validation")

    for response in (first, again):
        assert response.status_code == 200
        page = text(response)
        assert "Validation Étape 4 sur 4 : terminée" in page
        assert "Votre demande d'inscription a bien été envoyée" in page
        assert "aux mandataires et aux représentants de l'entreprise LOGIPRO" in page
        assert "jean.dupont@logipro.fr" in page
        assert "un e-mail vous invitant à initialiser votre mot de passe" in page
    assert len(outbox.messages()) == sent
    assert len(demandes(db)) == 1


def test_sending_the_form_again_after_the_end_sends_nothing(client, send, db, outbox):
    token = csrf_token_of(client.get("/inscription/salarie").get_data(as_text=True))
    send("salarie")
    sent = len(outbox.messages())

    # The browser's « back », then the same form sent again.
    response = client.post("/inscription/salarie/informations", data={"csrf_token": token, **APPLICANT})

    assert response.status_code == 303
    assert location_path(response) == "/inscription/salarie"
    assert len(outbox.messages()) == sent and len(demandes(db)) == 1


def test_validation_page_without_a_demande_sends_back_to_the_search(client):
    response = client.get("/inscription/representant/validation")

    assert response.status_code == 303
    assert location_path(response) == "/inscription/representant"


@pytest.mark.parametrize("method", ["get", "post"])
def test_skipping_the_search_leads_back_to_it(client, db, outbox, method, logipro):
    token = csrf_token_of(client.get("/inscription/salarie").get_data(as_text=True))

    response = getattr(client, method)("/inscription/salarie/informations",
                                       data={"csrf_token": token, **APPLICANT, "company_id": str(logipro.id)})

    assert response.status_code == 303
    assert location_path(response) == "/inscription/salarie"
    assert "Recherchez d'abord votre entreprise" in text(client.get("/inscription/salarie"))
    assert demandes(db) == [] and outbox.messages() == []


def test_company_suspended_after_the_search_must_be_searched_again(client, found, db, logipro):
    found("salarie")
    logipro.status = CompanyStatus.SUSPENDED
    db.session.commit()

    response = client.get("/inscription/salarie/informations")

    assert response.status_code == 303
    assert location_path(response) == "/inscription/salarie"
    assert "Informations entreprise" not in text(client.get("/inscription/salarie"))


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"username": ""}, "username", REQUIRED),
        ({"username": "ab"}, "username", "entre 3 et 64 caractères"),
        ({"username": "jean dupont"}, "username", "ne peut contenir que des lettres sans accent"),
        ({"username": "<script>alert(1)</script>"}, "username", "ne peut contenir que des lettres sans accent"),
        ({"username": "x" * 5000}, "username", "64 caractères au plus."),
        ({"civility": ""}, "civility", "Sélectionnez votre civilité."),
        ({"civility": "docteur"}, "civility", "Sélectionnez votre civilité."),
        ({"first_name": ""}, "first_name", REQUIRED),
        ({"first_name": "<script>alert(1)</script>"}, "first_name", "ne peut contenir que des lettres"),
        ({"first_name": "Jean\x00"}, "first_name", "caractères non autorisés"),
        ({"last_name": "D" * 5000}, "last_name", "100 caractères au plus."),
        ({"last_name": "Dupont2"}, "last_name", "Le nom ne peut contenir que des lettres"),
        ({"email": ""}, "email", REQUIRED),
        ({"email": "jean.dupont"}, "email", "L'adresse e-mail n'est pas valide"),
        ({"email": "<script>@x.fr"}, "email", "L'adresse e-mail n'est pas valide"),
        ({"direct_phone": ""}, "direct_phone", REQUIRED),
        ({"direct_phone": "12"}, "direct_phone", "Le numéro de téléphone n'est pas valide"),
        ({"direct_phone": "0" * 5000}, "direct_phone", "32 caractères au plus."),
        ({"phone": "abc"}, "phone", "Le numéro de téléphone n'est pas valide"),
        ({"phone": "01 23\x00"}, "phone", "caractères non autorisés"),
        ({"accept_cgu": ""}, "accept_cgu", "Vous devez accepter les conditions générales d'utilisation"),
    ],
)
@pytest.mark.settings(DEMANDE_REGISTRATION_LIMIT_PER_IP="1000 per hour")
def test_each_refused_value_is_explained_on_its_field_and_nothing_is_sent(send, db, outbox, changes, field, message):
    response = send("salarie", **changes)

    assert response.status_code == 422
    assert "Le formulaire contient une erreur" in text(response)
    assert message in error_of_field(response, field)
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "This field is required" not in body and "Not a valid choice" not in body
    assert applicants(db) == [] and demandes(db) == [] and outbox.messages() == []


def test_every_refused_field_is_shown_at_once_and_everything_typed_is_kept(send):
    response = send("salarie", username="ab", first_name="Jean3", email="pas-une-adresse", phone="abc",
                    accept_cgu="")

    assert response.status_code == 422
    assert "Le formulaire contient 5 erreurs" in text(response)
    body = response.get_data(as_text=True)
    for value in ('value="ab"', 'value="Jean3"', 'value="Dupont"', 'value="pas-une-adresse"',
                  'value="01 23 45 67 89"', 'value="abc"'):
        assert value in body, value
    assert '<option selected value="monsieur">' in body


def test_wrong_types_and_repeated_fields_are_refused_without_error(client, found):
    found("salarie")
    token = csrf_token_of(client.get("/inscription/salarie/informations").get_data(as_text=True))

    as_files = client.post("/inscription/salarie/informations", content_type="multipart/form-data", data={
        **APPLICANT, "csrf_token": token, "first_name": (io.BytesIO(b"Jean"), "prenom.txt"),
        "civility": (io.BytesIO(b"monsieur"), "civilite.txt"),
    })
    repeated = client.post("/inscription/salarie/informations", data=MultiDict(
        [("csrf_token", token), *APPLICANT.items(), ("username", "autre.nom"), ("civility", "madame")]))

    assert as_files.status_code == 422
    assert REQUIRED in error_of_field(as_files, "first_name")
    assert "Sélectionnez votre civilité." in error_of_field(as_files, "civility")
    assert repeated.status_code == 303  # the first of each value counts


def test_username_of_an_account_is_refused(send, db, outbox):
    response = send("salarie", username="A.Durand")

    assert response.status_code == 422
    assert "Ce nom d'utilisateur est déjà utilisé" in error_of_field(response, "username")
    assert 'value="A.Durand"' in response.get_data(as_text=True)
    assert applicants(db) == [] and outbox.messages() == []


def test_email_of_an_account_is_refused(send, db, outbox):
    response = send("representant", email="PF.Durand@logipro.fr")

    assert response.status_code == 422
    assert "utilise déjà cette adresse e-mail" in error_of_field(response, "email")
    assert applicants(db) == [] and outbox.messages() == []


@pytest.mark.parametrize("field, value", [("username", "p.martin"), ("email", "p.martin@ailleurs.fr")])
def test_names_held_by_a_mandataire_registration_in_progress_are_refused(send, db, outbox, field, value):
    db.session.add(Registration(status=RegistrationStatus.DRAFT, username="p.martin", email="p.martin@ailleurs.fr"))
    db.session.commit()

    response = send("salarie", **{field: value})

    assert response.status_code == 422
    assert "déjà" in error_of_field(response, field)
    assert applicants(db) == [] and outbox.messages() == []


def test_a_second_applicant_cannot_take_a_pending_applicant_s_names(send, make_client, submit_as, db):
    assert send("salarie").status_code == 303
    other = make_client("203.0.113.50")
    submit_as(other, "/inscription/representant", {"identifier_type": "siren", "identifier": SIREN})

    response = submit_as(other, "/inscription/representant/informations", {**APPLICANT, "email": "autre@logipro.fr"})

    assert response.status_code == 422
    assert "Ce nom d'utilisateur est déjà utilisé" in error_of_field(response, "username")
    assert len(applicants(db)) == 1


@pytest.mark.settings(DEMANDES_MAX_PENDING_PER_COMPANY=1)
def test_too_many_pending_demandes_is_said_above_the_form(send, db):
    assert send("salarie").status_code == 303

    response = send("salarie", username="marie.curie", email="marie.curie@logipro.fr")

    assert response.status_code == 422
    page = text(response)
    assert "Le formulaire contient une erreur" in page
    assert "trop de demandes d'inscription en attente" in page
    assert len(applicants(db)) == 1


def test_sending_without_csrf_token_is_refused(client, found, db, outbox):
    found("salarie")

    response = client.post("/inscription/salarie/informations", data=APPLICANT)

    assert response.status_code == 400
    assert "Le formulaire a expiré" in text(response)
    assert applicants(db) == [] and outbox.messages() == []


@pytest.mark.settings(DEMANDE_REGISTRATION_LIMIT_PER_IP="2 per hour", COMPANY_SEARCH_LIMIT_PER_IP="100 per hour")
def test_demandes_are_throttled_per_address(make_client, submit_as, db, logipro):
    def register(number: int, ip: str = "198.51.100.20", **changes):
        browser = make_client(ip)
        submit_as(browser, "/inscription/salarie", {"identifier_type": "siren", "identifier": SIREN})
        values = {**APPLICANT, "username": f"personne{number}", "email": f"personne{number}@logipro.fr", **changes}
        return submit_as(browser, "/inscription/salarie/informations", values)

    # Mistakes in the form do not count; demandes sent and names already used do.
    for _ in range(3):
        assert register(0, first_name="").status_code == 422
    assert register(1).status_code == 303
    assert register(2, username="personne1").status_code == 422

    response = register(3)
    assert response.status_code == 429
    assert "Trop de tentatives" in text(response) and "Patientez quelques minutes" in text(response)
    assert len(applicants(db)) == 1
    assert register(4, ip="198.51.100.21").status_code == 303  # another address is not affected
