"""Étape 2 « Informations personnelles »: the guide's fields, each refusal explained in French on
the page, and the draft saved once everything is acceptable."""

import re

import pytest
import sqlalchemy as sa

from isc.models import Civility
from isc.models.registration import Registration, RegistrationStatus, RegistrationStep
from tests.portal.pages import error_of_field, location_path, text
from tests.registration.conftest import APPLICANT, COMPANY, PERSONAL

REQUIRED = "Ce champ est obligatoire."
CGU_REQUIRED = "Vous devez accepter les conditions générales d'utilisation pour continuer."


def registrations(db) -> list[Registration]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Registration)))


def test_page_shows_the_guide_s_fields_stepper_and_cgu_link(journey):
    response = journey.get(PERSONAL)

    assert response.status_code == 200
    page = text(response)
    assert "Inscrivez-vous en tant que mandataire" in page
    assert "* champs obligatoires" in page
    assert "Informations personnelles Étape 2 sur 4" in page
    assert "Étape suivante : Votre entreprise" in page
    for step in ("Votre rôle", "Votre entreprise", "Vérification d'identité"):
        assert step in page
    assert "Vos informations personnelles" in page
    for label in (
        "Nom d'utilisateur *",
        "Civilité *",
        "Prénom *",
        "Nom *",
        "Adresse e-mail *",
        "N° de téléphone *",
    ):
        assert label in page, label
    assert "J'accepte les conditions générales d'utilisation du service * voir les CGU" in page
    html = response.get_data(as_text=True)
    assert 'href="/cgu"' in html
    assert "Suivant" in page and "Retour" in page
    assert 'data-fr-current-step="2" data-fr-steps="4"' in html


def test_valid_details_save_the_draft_and_lead_to_the_company_step(journey, db):
    response = journey.personal(
        username="  P.Durand ", email="Pierre.Durand@Sante-Industrie.fr", phone="01 23 45 67 89"
    )

    assert response.status_code == 303
    assert location_path(response) == COMPANY
    registration = registrations(db)[0]
    assert registration.status == RegistrationStatus.DRAFT
    assert registration.step == RegistrationStep.COMPANY
    assert (registration.username, registration.email, registration.phone) == (
        "p.durand",
        "pierre.durand@sante-industrie.fr",
        "+33123456789",
    )
    assert (registration.civility, registration.first_name, registration.last_name) == (
        Civility.MONSIEUR,
        "Pierre",
        "Durand",
    )
    assert registration.cgu_version == "1.0" and registration.cgu_accepted_at is not None
    assert journey.get(COMPANY).status_code == 200


def test_back_to_the_step_shows_the_saved_draft_and_updates_it(journey, db):
    journey.personal()

    page = journey.get(PERSONAL).get_data(as_text=True)
    assert 'value="pdurand"' in page and 'value="+33123456789"' in page
    assert '<option selected value="monsieur">' in page
    assert re.search(r'<input[^>]*\bchecked\b[^>]*id="accept_cgu"', page)

    response = journey.personal(first_name="Pierre-François")

    assert response.status_code == 303
    assert [r.first_name for r in registrations(db)] == ["Pierre-François"]  # the same draft


def test_empty_form_explains_every_field(journey, db):
    response = journey.post(PERSONAL, {})

    assert response.status_code == 422
    page = text(response)
    assert "Le formulaire contient 7 erreurs" in page
    for field in ("username", "first_name", "last_name", "email", "phone"):
        assert error_of_field(response, field) == REQUIRED, field
    assert error_of_field(response, "civility") == "Sélectionnez votre civilité."
    assert error_of_field(response, "accept_cgu") == CGU_REQUIRED
    assert registrations(db) == []


def test_cgu_must_be_accepted(journey, db):
    response = journey.personal(accept_cgu=None)

    assert response.status_code == 422
    assert error_of_field(response, "accept_cgu") == CGU_REQUIRED
    assert registrations(db) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "u" * 65, "64 caractères au plus."),
        ("first_name", "A" * 101, "100 caractères au plus."),
        ("last_name", "B" * 101, "100 caractères au plus."),
        ("email", "x" * 250 + "@example.fr", "254 caractères au plus."),
        ("phone", "0" * 33, "32 caractères au plus."),
        ("username", "ab", "Le nom d'utilisateur doit contenir entre 3 et 64 caractères."),
        (
            "username",
            "Jean Dupont!",
            "Le nom d'utilisateur ne peut contenir que des lettres sans accent",
        ),
        ("username", "élodie", "Le nom d'utilisateur ne peut contenir que des lettres sans accent"),
        (
            "email",
            "pierre.durand@",
            "L'adresse e-mail n'est pas valide : elle doit avoir la forme nom@domaine.fr.",
        ),
        ("email", "pierre durand@example.fr", "L'adresse e-mail n'est pas valide"),
        (
            "phone",
            "12",
            "Le numéro de téléphone n'est pas valide : saisissez par exemple 01 23 45 67 89",
        ),
        ("phone", "01 23 45 67 8a", "Le numéro de téléphone n'est pas valide"),
        (
            "first_name",
            "Pierre2",
            "Le prénom ne peut contenir que des lettres, des espaces, des tirets et des "
            "apostrophes.",
        ),
        ("last_name", "   ", REQUIRED),
        ("civility", "docteur", "Sélectionnez votre civilité."),
    ],
    ids=lambda value: value[:20] if isinstance(value, str) else value,
)
def test_refused_value_is_explained_next_to_its_field(journey, db, field, value, message):
    response = journey.personal(**{field: value})

    assert response.status_code == 422
    assert error_of_field(response, field).startswith(message)
    assert message.split(" :")[0] in text(response)  # also in the error summary
    assert registrations(db) == []


def test_accents_apostrophes_and_foreign_numbers_are_accepted(journey, db):
    response = journey.personal(
        first_name="Anne-Sophie Hélène", last_name="Lévêque-d'Artois", phone="+32 2 555 12 12"
    )

    assert response.status_code == 303
    registration = registrations(db)[0]
    assert (registration.last_name, registration.phone) == ("Lévêque-d'Artois", "+3225551212")


@pytest.mark.parametrize("field", ["username", "first_name", "last_name", "email", "phone"])
def test_hostile_strings_are_escaped_in_the_re_rendered_page(journey, field):
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'

    response = journey.personal(**{field: hostile})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&#34;&gt;&lt;script&gt;" in html
    assert error_of_field(response, field)


def test_username_of_an_existing_user_is_refused(journey, make_user, db):
    make_user(username="pdurand")

    response = journey.personal(username="PDurand")

    assert response.status_code == 422
    assert error_of_field(response, "username") == (
        "Ce nom d'utilisateur est déjà utilisé : choisissez-en un autre."
    )
    assert registrations(db) == []


def test_email_of_an_existing_user_is_refused(journey, make_user, db):
    make_user(email=APPLICANT["email"])

    response = journey.personal()

    assert response.status_code == 422
    assert error_of_field(response, "email").startswith(
        "Un compte ou une inscription en cours utilise déjà cette adresse e-mail."
    )
    assert registrations(db) == []


def test_username_and_email_held_by_another_registration_in_progress(make_journey, db):
    first = make_journey()
    assert first.personal().status_code == 303

    other = make_journey()
    taken_username = other.personal(email="autre@example.fr")
    taken_email = other.personal(username="autre.personne")

    assert taken_username.status_code == 422
    assert error_of_field(taken_username, "username").startswith(
        "Ce nom d'utilisateur est déjà utilisé"
    )
    assert taken_email.status_code == 422
    assert error_of_field(taken_email, "email").startswith("Un compte ou une inscription en cours")
    assert len(registrations(db)) == 1


def test_an_expired_registration_frees_its_username(make_journey, db):
    first = make_journey()
    first.personal()
    registration = registrations(db)[0]
    registration.status = RegistrationStatus.EXPIRED
    db.session.commit()

    assert make_journey().personal().status_code == 303


def test_the_other_steps_send_a_browser_without_draft_back_to_step_2(journey):
    for url in (COMPANY, "/inscription/mandataire/identite"):
        response = journey.get(url)
        assert response.status_code == 302 and location_path(response) == PERSONAL
    page = text(journey.get(PERSONAL))
    assert (
        "Votre inscription n'a pas été trouvée ou a expiré : recommencez depuis le début." in page
    )


def test_role_choice_leads_to_this_step(client, submit):
    response = submit("/inscription", {"role": "mandataire"})

    assert response.status_code == 303
    assert location_path(response) == PERSONAL
