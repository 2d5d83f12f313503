"""The portal's "Tous les services", "Accéder", the dashboard's "Vos services" and "Vos
sessions et services autorisés"."""

from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from isc.models import AuthSession, Consent
from tests.conftest import csrf_token_of
from tests.portal.pages import text


def test_all_services_lists_used_then_accessible_services(
    make_service, make_rp, make_company, signed_in, user
):
    used = make_service(
        name="Plateforme Convergence", initiate_login_uri="https://convergence.example.fr/login"
    )
    make_service(name="Observatoire", description="Les chiffres du secteur.")
    make_service(name="Réservé à d'autres", companies=[make_company()])
    browser = signed_in(user)
    make_rp(used, browser).authorize()

    page = text(browser.get("/services"))

    assert "Tous les services" in page
    used_part, accessible_part = page.split("Les services accessibles")
    assert "Vos services utilisés" in used_part and "Plateforme Convergence" in used_part
    assert "Dernière utilisation :" in used_part
    assert "Observatoire" in accessible_part and "Les chiffres du secteur." in accessible_part
    assert "Réservé à d'autres" not in page
    assert "sans vous identifier à nouveau" in page


def test_acceder_opens_the_service_through_its_initiate_login_uri(make_service, signed_in, user):
    service = make_service(
        name="Plateforme Convergence",
        initiate_login_uri="https://convergence.example.fr/login",
        home_url="https://convergence.example.fr/",
    )
    browser = signed_in(user)

    response = browser.get(f"/services/{service.client_id}/acceder")

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc == "convergence.example.fr" and location.path == "/login"
    query = parse_qs(location.query)
    assert query["iss"] == ["http://localhost"]
    assert query["target_link_uri"] == ["https://convergence.example.fr/"]


def test_acceder_to_a_service_one_may_not_use_is_not_found(
    make_service, make_company, signed_in, user
):
    service = make_service(
        companies=[make_company()], initiate_login_uri="https://x.example.fr/login"
    )

    assert signed_in(user).get(f"/services/{service.client_id}/acceder").status_code == 404


def test_services_pages_need_a_signed_in_person(client, service):
    assert urlsplit(client.get("/services").headers["Location"]).path == "/connexion"
    assert urlsplit(client.get("/compte/sessions").headers["Location"]).path == "/connexion"


def test_dashboard_panel_lists_the_services(app, make_service, make_rp, signed_in, user):
    used = make_service(name="Plateforme Convergence")
    make_service(name="Observatoire")
    make_rp(used, signed_in(user)).authorize()

    with app.test_request_context("/tableau-de-bord"):
        html = app.jinja_env.get_template("portal/services/_dashboard_panel.html").render(user=user)

    assert "Vos services utilisés" in html and "Plateforme Convergence" in html
    assert "Les services accessibles" in html and "Observatoire" in html


def test_sessions_page_lists_open_sessions_and_their_services(
    make_service, make_rp, signed_in, user
):
    service = make_service(name="Plateforme Convergence")
    laptop = signed_in(user)
    signed_in(user)
    make_rp(service, laptop).authorize()

    page = text(laptop.get("/compte/sessions"))

    assert "Vos sessions et services autorisés" in page
    assert page.count("Fermer cette session") == 1 and "Cette session" in page
    assert "Plateforme Convergence" in page


def test_closing_another_session_signs_it_out(db, make_service, make_rp, signed_in, user):
    laptop, phone = signed_in(user), signed_in(user)
    other = db.session.scalars(sa.select(AuthSession).order_by(AuthSession.id)).all()[-1]
    page = laptop.get("/compte/sessions").get_data(as_text=True)

    response = laptop.post(
        f"/compte/sessions/{other.id}/fermer", data={"csrf_token": csrf_token_of(page)}
    )

    assert response.status_code == 303
    assert phone.get("/tableau-de-bord").status_code == 302
    assert laptop.get("/tableau-de-bord").status_code == 200


def test_one_cannot_close_someone_else_session(db, make_user, signed_in, user):
    mine = signed_in(user)
    signed_in(make_user())
    theirs = db.session.scalars(sa.select(AuthSession).order_by(AuthSession.id)).all()[-1]
    page = mine.get("/compte/sessions").get_data(as_text=True)

    response = mine.post(
        f"/compte/sessions/{theirs.id}/fermer", data={"csrf_token": csrf_token_of(page)}
    )

    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.ended_at is None


def test_withdrawing_an_authorization(db, make_service, make_rp, signed_in, user):
    from isc import services

    service = make_service(name="Observatoire", first_party=False)
    services.record_consent(user, service, ["openid", "email"])
    db.session.commit()
    browser = signed_in(user)
    page = browser.get("/compte/sessions")
    assert "Observatoire" in text(page) and "Votre adresse e-mail" in text(page)

    response = browser.post(
        f"/compte/services/{service.client_id}/retirer",
        data={"csrf_token": csrf_token_of(page.get_data(as_text=True))},
    )

    assert response.status_code == 303
    assert db.session.scalar(sa.select(Consent)) is None
    assert "L'autorisation donnée à Observatoire a été retirée." in text(
        browser.get("/compte/sessions")
    )
