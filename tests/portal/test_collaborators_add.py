"""« Ajouter un collaborateur »: the account is created at once, the person receives an
invitation whose link sets their password, and they sign in; refused values are explained on
their fields, in French, and nothing typed is lost."""

import html
import io
import re

import pytest
import sqlalchemy as sa

from isc.models import AuditEvent, Role, User, UserStatus
from tests.conftest import csrf_token_of
from tests.portal.pages import error_of_field, location_path, text

PAGE = "/collaborateurs/ajouter"
FIRST_PASSWORD = "ma toute première phrase secrète"


@pytest.fixture
def company(make_company):
    return make_company(name="Laboratoires Hélianthe")


@pytest.fixture
def mandataire(make_user, company):
    return make_user("mandataire", company=company, first_name="Pierre", last_name="Durand",
                     email="pierre@helianthe.fr", username="pierre")


def typed(**changes) -> dict[str, str]:
    values = {"role": "salarie", "username": "Alan.Bruger", "civility": "monsieur", "first_name": "Alan",
              "last_name": "Bruger", "email": "Alan.Bruger@Helianthe.fr", "direct_phone": "01 23 45 67 89",
              "phone": ""}
    values.update(changes)
    return values


def created(db) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.first_name == "Alan"))


def input_value(response, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', response.get_data(as_text=True)).group(0)
    value = re.search(r'\bvalue="([^"]*)"', tag)
    return html.unescape(value.group(1)) if value else ""


def test_page_asks_the_guide_fields(mandataire, signed_in_client):
    response = signed_in_client(mandataire).get(PAGE)

    assert response.status_code == 200
    page = text(response)
    assert "Tableau de bord Liste des collaborateurs Ajouter un collaborateur" in page
    for label in ("Rôle du collaborateur", "Nom d'utilisateur", "Civilité", "Prénom", "Nom", "Adresse e-mail",
                  "N° de téléphone direct", "N° de téléphone"):
        assert label in page, label
    assert "reçoit un e-mail l'invitant à initialiser son mot de passe" in page


def test_a_representant_has_the_only_role_he_may_give_chosen(make_user, company, signed_in_client):
    response = signed_in_client(make_user("representant", company=company)).get(PAGE)

    radios = re.findall(r'<input[^>]*name="role"[^>]*>', response.get_data(as_text=True))
    assert len(radios) == 1
    assert 'value="salarie"' in radios[0] and " checked" in radios[0]


def test_collaborator_is_created_and_invited(db, company, mandataire, signed_in_client, submit_as, outbox):
    browser = signed_in_client(mandataire)

    response = submit_as(browser, PAGE, typed())

    user = created(db)
    assert user is not None
    assert response.status_code == 303
    assert location_path(response) == f"/collaborateurs/{user.public_id}"
    page = text(browser.get(location_path(response)))
    assert "Le compte de Alan Bruger a été créé. Un e-mail l'invite à initialiser son mot de passe." in page
    assert "Compte de Alan Bruger" in page
    assert (user.company_id, user.role, user.status) == (company.id, Role.SALARIE, UserStatus.ACTIVE)
    assert (user.username, user.email, user.direct_phone) == ("alan.bruger", "alan.bruger@helianthe.fr",
                                                              "+33123456789")
    assert user.password_hash is None
    invitation = outbox.last("alan.bruger@helianthe.fr")
    assert invitation.template == "collaborator_invitation"
    assert "Pierre Durand a créé votre compte" in invitation.text_body
    assert "Laboratoires Hélianthe" in invitation.text_body
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "collaborator.added"))
    assert (event.actor_id, event.target_id) == (mandataire.id, user.id)


def test_invitation_link_sets_the_password_and_the_collaborator_signs_in(
    db, mandataire, signed_in_client, submit_as, make_client, password_link_in, is_signed_in
):
    submit_as(signed_in_client(mandataire), PAGE, typed(role="representant"))
    user = created(db)
    link = password_link_in(user)
    newcomer = make_client()

    response = submit_as(newcomer, link, {"password": FIRST_PASSWORD, "confirmation": FIRST_PASSWORD})

    assert response.status_code == 303
    signed_in = submit_as(newcomer, "/connexion", {"login": "alan.bruger", "password": FIRST_PASSWORD})
    assert signed_in.status_code == 303
    assert is_signed_in(newcomer)
    assert "<dt>Rôle</dt><dd>Représentant</dd>" in newcomer.get("/compte").get_data(as_text=True)


def test_a_representant_adds_a_salarie(db, make_user, company, signed_in_client, submit_as):
    browser = signed_in_client(make_user("representant", company=company))

    response = submit_as(browser, PAGE, typed())

    assert response.status_code == 303
    assert created(db).role == Role.SALARIE


@pytest.mark.parametrize(("field", "value", "message"), [
    ("role", "", "Choisissez le rôle du collaborateur."),
    ("role", "mandataire", "Choisissez l'un des rôles proposés."),
    ("role", "administrateur", "Choisissez l'un des rôles proposés."),
    ("username", "", "Le nom d'utilisateur est obligatoire."),
    ("username", "a" * 65, "64 caractères au plus."),
    ("username", "al", "Le nom d'utilisateur doit contenir entre 3 et 64 caractères."),
    ("username", "alan bruger", "Le nom d'utilisateur ne peut contenir que des lettres sans accent"),
    ("username", "<script>", "Le nom d'utilisateur ne peut contenir que des lettres sans accent"),
    ("username", "Pierre", "Ce nom d'utilisateur est déjà utilisé"),
    ("username", "alan\x00", "Ce champ contient des caractères non autorisés."),
    ("civility", "", "Sélectionnez la civilité."),
    ("civility", "MONSIEUR", "Sélectionnez l'une des civilités proposées."),
    ("last_name", "", "Le nom est obligatoire."),
    ("last_name", "B" * 101, "100 caractères au plus."),
    ("last_name", "Bruger<script>", "Le nom ne peut contenir que des lettres"),
    ("email", "", "L'adresse e-mail est obligatoire."),
    ("email", "alan@@helianthe.fr", "L'adresse e-mail n'est pas valide"),
    ("email", "PIERRE@helianthe.fr", "Un compte ou une inscription en cours utilise déjà cette adresse e-mail."),
    ("direct_phone", "", "Le numéro de téléphone direct est obligatoire."),
    ("direct_phone", "+33 1", "Le numéro de téléphone n'est pas valide"),
    ("direct_phone", "1" * 33, "32 caractères au plus."),
    ("phone", "not a phone", "Le numéro de téléphone n'est pas valide"),
])
def test_refused_values_are_explained_on_their_field(db, mandataire, signed_in_client, submit_as, outbox,
                                                      field, value, message):
    browser = signed_in_client(mandataire)
    values = typed()
    values[field] = value

    response = submit_as(browser, PAGE, values)

    assert response.status_code == 422
    assert message in (error_of_field(response, field) if field != "role" else text(response))
    if field != "first_name":
        assert input_value(response, "first_name") == "Alan"
    if field != "username":
        assert input_value(response, "username") == "Alan.Bruger"
    assert created(db) is None
    assert [m for m in outbox.messages() if m.template == "collaborator_invitation"] == []


def test_missing_fields_are_all_explained_at_once(db, mandataire, signed_in_client, submit_as):
    response = submit_as(signed_in_client(mandataire), PAGE, {})

    assert response.status_code == 422
    page = text(response)
    assert "Le formulaire contient 7 erreurs" in page
    assert created(db) is None


def test_a_file_instead_of_a_name_is_refused_as_missing(db, mandataire, signed_in_client):
    browser = signed_in_client(mandataire)
    token = csrf_token_of(browser.get(PAGE).get_data(as_text=True))
    values = {**typed(), "csrf_token": token, "first_name": (io.BytesIO(b"Alan"), "prenom.txt")}

    response = browser.post(PAGE, data=values, content_type="multipart/form-data")

    assert response.status_code == 422
    assert "Le prénom est obligatoire." in error_of_field(response, "first_name")
    assert created(db) is None


def test_a_json_body_is_not_read_as_the_form(db, mandataire, signed_in_client):
    browser = signed_in_client(mandataire)
    token = csrf_token_of(browser.get(PAGE).get_data(as_text=True))

    response = browser.post(PAGE, json={**typed(), "first_name": ["Alan"], "username": 12},
                            headers={"X-CSRFToken": token})

    assert response.status_code == 422
    assert created(db) is None
