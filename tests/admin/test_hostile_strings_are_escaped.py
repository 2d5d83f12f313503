"""Text from applicants (names, addresses, Kbis values, partner fields, comments) is shown as
text everywhere in the console, never as markup."""

import sqlalchemy as sa

from isc import company_changes
from isc.extensions import db as _db
from isc.models import AuditEvent, Company

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def _assert_escaped(html: str, where: str) -> None:
    assert SCRIPT not in html and IMG not in html, where
    assert "<img src=x" not in html and "<script>alert" not in html, where


def test_hostile_strings_are_escaped_in_every_console_page(app, db, console_sign_in, make_agent, make_dossier,
                                                           make_company, make_user):
    hostile = f"{SCRIPT}{IMG}"
    dossier = make_dossier(
        first_name=f"Jean{IMG}", last_name=f"Dupont{SCRIPT}", email="hostile@example.fr", username="hostile",
        kbis={"denomination": f"ACME {hostile}", "head_office_address": f"1 rue {hostile}", "legal_form": hostile,
              "dirigeants": [{"role": f"Président{SCRIPT}", "last_name": f"DUPONT{IMG}", "first_names": hostile}]},
        identity={"first_names": hostile, "last_name": hostile, "document_type": IMG, "document_country": "<i>",
                  "response_codes": [{"code": 10000, "summary": hostile}]},
    )
    company = make_company(name=f"Société {hostile}", head_office_address=hostile)
    requester = make_user("mandataire", company=company, first_name=IMG, last_name=SCRIPT)
    with app.test_request_context():
        change = company_changes.request_company_change(requester, {"name": f"Nouvelle {hostile}"}, f"Merci {hostile}")
        _db.session.add(AuditEvent(action="test.hostile", actor_type="anonymous", actor_label=hostile,
                                   details={"value": hostile}))
        _db.session.commit()
    agent = make_agent("administrator")
    client = console_sign_in(agent)

    pages = ["/admin/dossiers/", f"/admin/dossiers/{dossier.id}", "/admin/modifications/",
             f"/admin/modifications/{change.id}", "/admin/entreprises/", "/admin/utilisateurs/",
             f"/admin/utilisateurs/details/?id={requester.id}", "/admin/journal/", "/admin/journal/?search=alert",
             "/admin/emails/"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "test.hostile"))
    pages.append(f"/admin/journal/details/?id={event.id}")
    company_id = db.session.scalar(sa.select(Company.id).where(Company.id == company.id))
    pages.append(f"/admin/entreprises/details/?id={company_id}")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.get_data(as_text=True), url)
    dossier_page = client.get(f"/admin/dossiers/{dossier.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dossier_page
    assert "&lt;img src=x onerror=alert(1)&gt;" in dossier_page

    # The refusal e-mail quotes the agent's free text: escaped in its HTML part too.
    page = client.get(f"/admin/dossiers/{dossier.id}").get_data(as_text=True)
    from tests.conftest import csrf_token_of

    response = client.post(f"/admin/dossiers/{dossier.id}/refuser", data={
        "csrf_token": csrf_token_of(page), "refuser-reason": "other", "refuser-text": hostile})
    assert response.status_code == 303
    _assert_escaped(client.get(f"/admin/dossiers/{dossier.id}").get_data(as_text=True), "decided dossier")
    from isc.models import OutboxMessage

    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "registration_refused"))
    _assert_escaped(message.html_body, "refusal e-mail")
