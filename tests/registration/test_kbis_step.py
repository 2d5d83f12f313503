"""Étape 3 « Votre entreprise »: a Kbis is uploaded, stored safely, read, checked against the
applicant; « Suivant » opens only when every check passes."""

import hashlib
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from isc.models import Company
from isc.models.registration import KbisDocument, KbisStatus, RegistrationStep
from tests.kbis.pdf_factory import Dirigeant
from tests.portal.pages import location_path, text
from tests.registration.conftest import (
    COMPANY,
    COMPANY_STATUS,
    IDENTITY,
    SIREN,
    today_fr,
)


@pytest.fixture
def at_company_step(journey):
    assert journey.personal().status_code == 303
    return journey


def suivant_button(response) -> str:
    match = re.search(r'<button[^>]*form="etape-suivante"[^>]*>', response.get_data(as_text=True))
    assert match, "no Suivant button"
    return match.group(0)


def test_page_shows_the_guide_s_callout_and_upload_zone(at_company_step):
    response = at_company_step.get(COMPANY)

    assert response.status_code == 200
    page = text(response).replace(" .", ".")  # the link's tag leaves a space before the period
    assert "Votre entreprise Étape 3 sur 4" in page
    assert "Étape suivante : Vérification d'identité" in page
    assert "Important à savoir" in page
    assert (
        "Afin de procéder à la vérification de votre entreprise, nous vous invitons à déposer un "
        "Kbis de moins de 3 mois dans la zone indiquée ci-après. Une fois l'analyse faite du "
        "document, dans le cas où votre prénom et votre nom apparaissent dans le Kbis, vous "
        "pourrez passer à l'étape de vérification de votre identité. Dans le cas où vous "
        "représenteriez une entreprise étrangère ou si vous ne disposez pas de Kbis, nous vous "
        "invitons à contacter notre service support."
    ) in page
    assert "Vérification de votre entreprise" in page
    assert "Extrait KBIS de votre entreprise *" in page
    assert "Glissez-déposez votre fichier PDF ici" in page
    html = response.get_data(as_text=True)
    assert 'type="file"' in html and 'accept="application/pdf"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "/static/js/kbis-upload.js" in html
    for button in ("Vérifier le document", "Retour", "Reprendre plus tard", "Suivant"):
        assert button in page
    assert "disabled" in suivant_button(response)


def test_a_good_kbis_naming_the_applicant_passes_and_opens_suivant(at_company_step, kbis_for):
    response = at_company_step.upload(kbis_for(), "2026.12.01_Kbis.pdf")

    assert response.status_code == 303 and location_path(response) == COMPANY
    page_response = at_company_step.get(COMPANY)
    page = text(page_response)
    assert "2026.12.01_Kbis.pdf" in page
    assert "SIREN 842 915 308" in page
    assert "Raison sociale SANTÉ INDUSTRIE CONSEIL" in page
    assert "Adresse 12 rue de la Paix 92000 Nanterre" in page
    assert f"Vérifié L'extrait Kbis est à jour au {today_fr()} : il a moins de 3 mois." in page
    assert "Vérifié Le numéro SIREN 842 915 308 est valide." in page
    assert "Vérifié Pierre Durand figure sur l'extrait Kbis comme « Directeur général »." in page
    assert "Non conforme" not in page
    assert "disabled" not in suivant_button(page_response)
    assert at_company_step.get(COMPANY_STATUS).json == {"status": "read"}

    response = at_company_step.next()

    assert response.status_code == 303 and location_path(response) == IDENTITY
    assert at_company_step.registration().step == RegistrationStep.IDENTITY


@pytest.mark.parametrize(
    ("changes", "failed_message"),
    [
        (
            {"extract_date": "12 mars 2026"},
            (
                "Non conforme L'extrait Kbis est à jour au 12 mars 2026 : il a plus de 3 mois. "
                "Déposez un extrait Kbis de moins de 3 mois, à obtenir auprès du greffe ou sur "
                "infogreffe.fr."
            ),
        ),
        (
            {"dirigeants": (Dirigeant("Président", "MARTIN Sophie"),)},
            (
                "Non conforme Votre prénom et votre nom (Pierre Durand) ne figurent pas parmi les "
                "dirigeants de l'extrait Kbis. Vérifiez qu'ils sont saisis comme sur votre pièce "
                "d'identité."
            ),
        ),
        (
            {"siren": "842915309"},
            "Non conforme Le numéro SIREN lu sur l'extrait Kbis (842 915 309) n'est pas valide.",
        ),
        (
            {"dirigeants": (Dirigeant("Commissaire aux comptes suppléant", "DURAND Pierre"),)},
            (
                "Non conforme Pierre Durand figure sur l'extrait Kbis comme « Commissaire aux "
                "comptes suppléant », qui n'est pas une fonction de représentant légal"
            ),
        ),
    ],
    ids=["old-extract", "applicant-not-named", "invalid-siren", "not-a-legal-representative"],
)
def test_a_failed_check_is_explained_and_keeps_suivant_disabled(
    at_company_step, kbis_for, app, changes, failed_message
):
    assert at_company_step.upload(kbis_for(**changes)).status_code == 303

    response = at_company_step.get(COMPANY)
    page = text(response)
    assert failed_message in page
    assert "Ce Kbis ne permet pas de poursuivre votre inscription" in page
    assert app.config["SUPPORT_EMAIL"] in page
    assert "disabled" in suivant_button(response)

    refused = at_company_step.next()

    assert refused.status_code == 303 and location_path(refused) == COMPANY
    assert "Déposez et faites vérifier un Kbis valide avant de continuer." in text(
        at_company_step.get(COMPANY)
    )
    assert at_company_step.get(IDENTITY).status_code == 302
    assert at_company_step.registration().step == RegistrationStep.COMPANY


def test_names_are_matched_without_accents_case_or_hyphens(journey, kbis_for):
    journey.personal(first_name="pierre-françois", last_name="DURAND")

    journey.upload(kbis_for())

    assert journey.registration().kbis.passed


def test_a_company_already_registered_is_flagged_not_merged(
    at_company_step, kbis_for, make_company, db
):
    company = make_company(identifier_value=SIREN, name="Santé Industrie Conseil (déjà inscrite)")

    at_company_step.upload(kbis_for())

    registration = at_company_step.registration()
    assert registration.existing_company_id == company.id
    assert registration.kbis.passed
    page = text(at_company_step.get(COMPANY))
    assert (
        "Une entreprise portant ce numéro SIREN est déjà inscrite sur le fournisseur d'identité."
        in page
    )
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) == 1
    assert db.session.get(Company, company.id).name == "Santé Industrie Conseil (déjà inscrite)"


def test_the_file_is_stored_outside_static_under_a_random_name_with_its_sha256(
    at_company_step, kbis_for, app
):
    data = kbis_for()

    at_company_step.upload(data, "../../static/mon kbis.pdf")

    document = at_company_step.registration().kbis
    path = Path(app.config["KBIS_UPLOAD_FOLDER"]) / document.stored_name
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", document.stored_name)
    assert path.read_bytes() == data
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert (document.size, document.pages) == (len(data), 1)
    assert document.original_name == "mon kbis.pdf"
    assert not path.resolve().is_relative_to(Path(app.static_folder).resolve())
    assert path.stat().st_mode & 0o777 == 0o600
    assert at_company_step.get(f"/static/{document.stored_name}").status_code == 404


def test_uploading_again_replaces_the_previous_file(at_company_step, kbis_for, app, db):
    at_company_step.upload(kbis_for(extract_date="12 mars 2026"))
    first = at_company_step.registration().kbis
    first_name, first_sha256 = first.stored_name, first.sha256
    first_path = Path(app.config["KBIS_UPLOAD_FOLDER"]) / first_name
    assert first_path.exists() and not first.passed

    at_company_step.upload(kbis_for())

    second = at_company_step.registration().kbis
    assert second.stored_name != first_name and second.sha256 != first_sha256
    assert second.passed
    assert not first_path.exists()
    assert (Path(app.config["KBIS_UPLOAD_FOLDER"]) / second.stored_name).exists()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KbisDocument)) == 1


def test_a_new_upload_after_passing_brings_the_journey_back_to_the_company_step(
    at_company_step, kbis_for
):
    at_company_step.upload(kbis_for())
    assert at_company_step.next().status_code == 303

    at_company_step.upload(kbis_for(extract_date="12 mars 2026"))

    assert at_company_step.registration().step == RegistrationStep.COMPANY
    assert location_path(at_company_step.get(IDENTITY)) == COMPANY


def test_while_the_kbis_is_read_the_page_says_so_and_follows_the_reading(
    at_company_step, kbis_for, db
):
    at_company_step.upload(kbis_for())
    document = at_company_step.registration().kbis
    document.status = KbisStatus.READING  # as seen before the job has run
    db.session.commit()

    response = at_company_step.get(COMPANY)

    page = text(response)
    assert "Vérification du document en cours" in page
    assert "Actualiser" in page
    html = response.get_data(as_text=True)
    assert f'data-isc-poll="{COMPANY_STATUS}"' in html and "/static/js/poll.js" in html
    assert "disabled" in suivant_button(response)
    assert at_company_step.get(COMPANY_STATUS).json == {"status": "reading"}


def test_changing_one_s_name_after_the_kbis_passed_checks_it_again(at_company_step, kbis_for):
    at_company_step.upload(kbis_for())
    assert at_company_step.registration().kbis.passed

    at_company_step.personal(first_name="Sophie", last_name="Martin")
    at_company_step.outbox.run_jobs()

    registration = at_company_step.registration()
    assert registration.step == RegistrationStep.COMPANY
    assert not registration.kbis.passed
    assert "Votre prénom et votre nom (Sophie Martin) ne figurent pas" in text(
        at_company_step.get(COMPANY)
    )
