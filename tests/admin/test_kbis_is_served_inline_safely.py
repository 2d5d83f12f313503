"""The dossier's Kbis opens inline for agents only, in a sandbox, never sniffed."""

from tests.admin.conftest import TINY_PDF


def test_the_kbis_is_a_sandboxed_inline_pdf(console_sign_in, make_agent, make_dossier, db):
    dossier = make_dossier()
    client = console_sign_in(make_agent("reviewer"))
    response = client.get(f"/admin/dossiers/{dossier.id}/kbis")
    assert response.status_code == 200
    assert response.data == TINY_PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="kbis-dossier-{dossier.id}.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["Cache-Control"] == "no-store"


def test_the_uploaded_file_name_never_reaches_the_header(console_sign_in, make_agent, make_dossier, db):
    dossier = make_dossier()
    dossier.kbis.original_name = 'evil"; filename*=x.html\r\n.pdf'
    db.session.commit()
    response = console_sign_in(make_agent("auditor")).get(f"/admin/dossiers/{dossier.id}/kbis")
    assert "evil" not in response.headers["Content-Disposition"]


def test_no_kbis_for_anyone_else(client, make_dossier, make_user, sign_in):
    dossier = make_dossier()
    assert client.get(f"/admin/dossiers/{dossier.id}/kbis").status_code == 302
    sign_in(make_user("mandataire"))
    assert client.get(f"/admin/dossiers/{dossier.id}/kbis").status_code == 403
