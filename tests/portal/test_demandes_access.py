"""Who may open and decide a demande: only those of its company who decide demandes of the
applicant's role. Anyone else is told it does not exist (404), for reading and for deciding;
people without the right get 403; a POST without this browser's CSRF token gets 400."""

import pytest

from isc import membership
from isc.models import Demande, DemandeStatus, Role, User, UserStatus
from tests.conftest import csrf_token_of
from tests.portal.pages import text

DASHBOARD = "/tableau-de-bord"


@pytest.fixture
def company(make_company):
    return make_company()


@pytest.fixture
def make_registration(app, db, company):
    names = iter(["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"])

    def make(role: Role = Role.SALARIE, target=None):
        number = next(names).lower()
        with app.test_request_context():
            demande = membership.request_registration(target or company, role, {
                "username": f"demandeur{number}", "civility": "madame", "first_name": "Inès",
                "last_name": number.capitalize(), "email": f"demandeur{number}@example.fr",
                "direct_phone": "01 23 45 67 89", "phone": "",
            }, "v1")
        db.session.commit()
        return demande

    return make


def status_of(db, demande: Demande) -> DemandeStatus:
    db.session.expire_all()
    return db.session.get(Demande, demande.id).status


def tried_everything(browser, submit_as, demande_id: int) -> list[int]:
    """The statuses of reading, validating, opening the refusal page and refusing."""
    return [
        browser.get(f"/demandes/{demande_id}").status_code,
        submit_as(browser, f"/demandes/{demande_id}/valider", {}, form_url=DASHBOARD).status_code,
        browser.get(f"/demandes/{demande_id}/refuser").status_code,
        submit_as(browser, f"/demandes/{demande_id}/refuser", {"reason": "Non"}, form_url=DASHBOARD).status_code,
    ]


def test_a_mandataire_of_another_company_is_told_the_demande_does_not_exist(
    db, make_registration, make_user, signed_in_client, submit_as, outbox,
):
    demande = make_registration()
    intruder = make_user("mandataire")  # another company
    sent = len(outbox.messages())

    statuses = tried_everything(signed_in_client(intruder), submit_as, demande.id)

    assert statuses == [404, 404, 404, 404]
    assert status_of(db, demande) == DemandeStatus.PENDING
    assert len(outbox.messages()) == sent


def test_a_representant_cannot_open_nor_decide_a_representants_registration(
    db, company, make_registration, make_user, signed_in_client, submit_as,
):
    demande = make_registration(Role.REPRESENTANT)
    representant = make_user("representant", company=company)

    assert tried_everything(signed_in_client(representant), submit_as, demande.id) == [404, 404, 404, 404]
    assert status_of(db, demande) == DemandeStatus.PENDING


def test_nobody_decides_their_own_modification(app, db, company, make_user, signed_in_client, submit_as):
    representant = make_user("representant", company=company)
    with app.test_request_context():
        demande = membership.request_modification(representant, {"first_name": "Rémy"}, "Coquille")
    db.session.commit()

    assert tried_everything(signed_in_client(representant), submit_as, demande.id) == [404, 404, 404, 404]
    assert status_of(db, demande) == DemandeStatus.PENDING


def test_a_mandataires_own_modification_is_for_ans_not_for_the_company(
    app, db, company, make_user, signed_in_client, submit_as,
):
    mandataire = make_user("mandataire", company=company)
    other_mandataire = make_user("mandataire", company=company)
    representant = make_user("representant", company=company)
    with app.test_request_context():
        demande = membership.request_modification(mandataire, {"first_name": "Pierre"}, "")
    db.session.commit()

    for person in (other_mandataire, representant):
        assert tried_everything(signed_in_client(person), submit_as, demande.id) == [404, 404, 404, 404]
    assert status_of(db, demande) == DemandeStatus.PENDING


@pytest.mark.parametrize("demande_id", ["999999", "2147483647", "2147483648", "99999999999999999999999"])
def test_guessed_ids_are_not_found(make_registration, company, make_user, signed_in_client, submit_as, demande_id):
    make_registration()
    browser = signed_in_client(make_user("mandataire", company=company))

    assert browser.get(f"/demandes/{demande_id}").status_code == 404
    assert submit_as(browser, f"/demandes/{demande_id}/valider", {}, form_url=DASHBOARD).status_code == 404


@pytest.mark.parametrize("path", ["/demandes/abc", "/demandes/-1", "/demandes/1.5", "/demandes/%00"])
def test_malformed_ids_are_not_found(company, make_user, signed_in_client, path):
    browser = signed_in_client(make_user("mandataire", company=company))

    assert browser.get(path).status_code == 404


def test_a_salarie_is_refused_every_demande_page(db, company, make_registration, make_user, signed_in_client,
                                                 submit_as):
    demande = make_registration()
    salarie = make_user("salarie", company=company)

    statuses = tried_everything(signed_in_client(salarie), submit_as, demande.id)

    assert statuses == [403, 403, 403, 403]
    assert status_of(db, demande) == DemandeStatus.PENDING


def test_a_disabled_decider_is_signed_out_and_cannot_decide(
    db, company, make_registration, make_user, signed_in_client, submit_as,
):
    demande = make_registration()
    mandataire = make_user("mandataire", company=company)
    browser = signed_in_client(mandataire)
    token_page = browser.get(f"/demandes/{demande.id}")
    assert token_page.status_code == 200
    db.session.get(User, mandataire.id).status = UserStatus.DISABLED
    db.session.commit()

    response = browser.post(f"/demandes/{demande.id}/valider",
                            data={"csrf_token": csrf_token_of(token_page.get_data(as_text=True))})

    assert response.status_code in (302, 403)
    assert status_of(db, demande) == DemandeStatus.PENDING


def test_deciding_without_the_csrf_token_is_refused(db, company, make_registration, make_user, signed_in_client,
                                                    outbox):
    demande = make_registration()
    browser = signed_in_client(make_user("mandataire", company=company))
    sent = len(outbox.messages())

    validate = browser.post(f"/demandes/{demande.id}/valider", data={})
    refuse = browser.post(f"/demandes/{demande.id}/refuser", data={"reason": "Inconnu"})
    forged = browser.post(f"/demandes/{demande.id}/valider", data={"csrf_token": "forged"})

    for response in (validate, refuse, forged):
        assert response.status_code == 400
        assert "Le formulaire a expiré ou n'a pas été envoyé depuis ce site." in text(response)
    assert status_of(db, demande) == DemandeStatus.PENDING
    assert len(outbox.messages()) == sent


def test_validation_is_a_post_only(company, make_registration, make_user, signed_in_client):
    demande = make_registration()
    browser = signed_in_client(make_user("mandataire", company=company))

    assert browser.get(f"/demandes/{demande.id}/valider").status_code == 405


def test_a_visitor_is_sent_to_sign_in(client, make_registration):
    demande = make_registration()

    response = client.get(f"/demandes/{demande.id}")

    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
