"""Consent: never for first-party services; once per set of scopes for the others, with
prompt=consent to ask again and prompt=none to refuse to ask."""

import re

import pytest
import sqlalchemy as sa

from isc.models import Consent
from tests.conftest import csrf_token_of


@pytest.fixture
def third_party(make_service):
    return make_service(
        name="Observatoire", first_party=False, description="Statistiques du secteur."
    )


@pytest.fixture
def rp(make_rp, third_party, signed_in, user):
    return make_rp(third_party, signed_in(user))


def _answer(rp, attempt, decision: str):
    page = attempt.response.get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    fields = {
        key: value.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'")
        for key, value in fields.items()
    }
    fields["csrf_token"] = csrf_token_of(page)
    response = rp.browser.post("/oidc/authorize/decision", data={**fields, "decision": decision})
    return rp.follow(attempt, response)


def test_a_third_party_service_asks_for_consent_listing_what_it_gets(rp):
    attempt = rp.authorize(scope="openid email isc")

    assert attempt.response.status_code == 200
    page = attempt.response.get_data(as_text=True)
    assert "Observatoire demande l'accès à vos informations" in page
    assert "Votre adresse e-mail" in page
    assert "Votre entreprise" in page
    assert "Vos nom, prénom" not in page


def test_allowing_issues_a_code_with_a_303(rp):
    attempt = _answer(rp, rp.authorize(), "allow")

    assert attempt.response.status_code == 303
    assert "code" in attempt.result
    assert rp.exchange(attempt).status_code == 200


def test_consent_is_asked_once_per_set_of_scopes(rp):
    _answer(rp, rp.authorize(scope="openid email"), "allow")

    assert "code" in rp.authorize(scope="openid email").result
    assert "code" in rp.authorize(scope="openid").result
    assert rp.authorize(scope="openid email phone").response.status_code == 200  # a new scope


def test_refusing_sends_access_denied_to_the_service(rp, db):
    attempt = _answer(rp, rp.authorize(), "deny")

    assert attempt.result["error"] == "access_denied"
    assert attempt.result["state"] == attempt.params["state"]
    assert db.session.scalar(sa.select(Consent)) is None


def test_prompt_consent_asks_again(rp):
    _answer(rp, rp.authorize(), "allow")

    assert rp.authorize(prompt="consent").response.status_code == 200


def test_prompt_none_when_consent_is_needed_returns_consent_required(rp):
    assert rp.authorize(prompt="none").result["error"] == "consent_required"


def test_first_party_services_do_not_ask(make_rp, make_service, signed_in, user):
    rp = make_rp(make_service(first_party=True), signed_in(user))

    assert "code" in rp.authorize(scope="openid profile email phone address isc").result


def test_the_decision_form_is_protected_against_forgery(rp):
    attempt = rp.authorize()

    response = rp.browser.post(
        "/oidc/authorize/decision", data={**attempt.params, "decision": "allow"}
    )

    assert response.status_code == 400
    assert "Location" not in response.headers


def test_the_consent_page_cannot_be_framed_nor_leak_referrers(rp):
    response = rp.authorize().response

    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "https://" not in re.sub(
        r'value="[^"]*"', "", response.get_data(as_text=True).split("<main")[1].split("</main>")[0]
    )
