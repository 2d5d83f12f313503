"""Only fully signed-in agents reach the console, each within their role."""

import pytest

from isc.models import RegistrationStatus, User, UserStatus
from tests.admin.conftest import location_path
from tests.conftest import csrf_token_of

CONSOLE_PAGES = ("/admin/", "/admin/dossiers/", "/admin/modifications/", "/admin/entreprises/",
                 "/admin/utilisateurs/", "/admin/services/", "/admin/journal/", "/admin/emails/", "/admin/taches/")


def test_a_company_user_gets_403_everywhere_in_the_console(app, db, make_user, sign_in, client, make_dossier):
    user = make_user("mandataire")
    dossier = make_dossier()
    sign_in(user)
    for url in CONSOLE_PAGES + ("/admin/agents/", f"/admin/dossiers/{dossier.id}", f"/admin/dossiers/{dossier.id}/kbis"):
        assert client.get(url).status_code == 403, url
    token = csrf_token_of(client.get("/tableau-de-bord").get_data(as_text=True))
    assert client.post(f"/admin/dossiers/{dossier.id}/valider", data={"csrf_token": token}).status_code == 403
    assert client.post("/admin/utilisateurs/action/", data={
        "csrf_token": token, "action": "disable", "rowid": str(user.id)}).status_code == 403
    db.session.expire_all()
    assert dossier.status == RegistrationStatus.IN_REVIEW and user.status == UserStatus.ACTIVE


def test_a_visitor_is_sent_to_the_console_sign_in(client, make_dossier):
    dossier = make_dossier()
    for url in CONSOLE_PAGES + (f"/admin/dossiers/{dossier.id}/kbis",):
        response = client.get(url)
        assert response.status_code == 302 and location_path(response) == "/admin/connexion", url
    assert client.post(f"/admin/dossiers/{dossier.id}/valider").status_code == 400  # no CSRF token


def test_an_auditor_reads_but_cannot_decide_or_act(db, console_sign_in, make_agent, make_dossier, make_user):
    auditor = make_agent("auditor")
    dossier = make_dossier()
    user = make_user("salarie")
    client = console_sign_in(auditor)
    for url in CONSOLE_PAGES + (f"/admin/dossiers/{dossier.id}", f"/admin/dossiers/{dossier.id}/kbis"):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Valider et créer le compte" not in page and "Prendre en charge" not in page
    token = csrf_token_of(page)
    for action in ("prendre", "valider", "refuser", "liberer"):
        response = client.post(f"/admin/dossiers/{dossier.id}/{action}", data={
            "csrf_token": token, "valider-document": "y", "valider-face": "y", "valider-names": "y",
            "refuser-reason": "other", "refuser-text": "non"})
        assert response.status_code == 403, action
    client.post("/admin/utilisateurs/action/", data={"csrf_token": token, "action": "disable", "rowid": str(user.id)})
    assert client.get("/admin/agents/").status_code == 403  # administrators only
    db.session.expire_all()
    assert dossier.status == RegistrationStatus.IN_REVIEW
    assert db.session.get(User, user.id).status == UserStatus.ACTIVE


def test_a_reviewer_decides_but_does_not_manage_agents_or_accounts(db, console_sign_in, make_agent, make_user):
    user = make_user("salarie")
    client = console_sign_in(make_agent("reviewer"))
    assert client.get("/admin/agents/").status_code == 403
    assert client.get("/admin/services/new/").status_code == 403
    page = client.get("/admin/utilisateurs/").get_data(as_text=True)
    assert 'data-isc-action="disable"' not in page
    client.post("/admin/utilisateurs/action/", data={"csrf_token": csrf_token_of(page), "action": "disable",
                                                      "rowid": str(user.id)})
    db.session.expire_all()
    assert db.session.get(User, user.id).status == UserStatus.ACTIVE


@pytest.mark.parametrize("url", ["/admin/", "/admin/dossiers/", "/admin/journal/", "/admin/connexion"])
def test_console_pages_carry_the_security_headers_and_no_inline_script(console_sign_in, make_agent, url, app):
    import re

    client = console_sign_in(make_agent("administrator")) if url != "/admin/connexion" else app.test_client()
    response = client.get(url)
    assert response.status_code == 200
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"|\sstyle=\"", html)


def test_console_actions_need_a_csrf_token(db, console_sign_in, make_agent, make_user):
    user = make_user("salarie")
    client = console_sign_in(make_agent("administrator"))
    response = client.post("/admin/utilisateurs/action/", data={"action": "disable", "rowid": str(user.id)})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).status == UserStatus.ACTIVE
