"""Conformance suite, basic plan (code flow), module by module: happy paths, what every ID
token carries, userinfo, scopes, parameters ISC must tolerate, and requests it must refuse."""

import json
import time

import pytest

from isc.claims import ACR_ANS_VERIFIED, ACR_COMPANY_VALIDATED
from tests.oidc.rp import ISSUER, query_of

# oidcc-server / oidcc-client-secret-basic / oidcc-client-secret-post ------------------------------


def test_code_flow_with_client_secret_basic(rp, user):
    attempt = rp.authorize()

    assert attempt.response.status_code == 302
    assert attempt.result["state"] == attempt.params["state"]
    assert attempt.result["iss"] == ISSUER  # RFC 9207
    response = rp.exchange(attempt, auth="basic")
    assert response.status_code == 200, response.get_json()
    tokens = response.get_json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 600
    assert tokens["refresh_token"]
    assert response.headers["Cache-Control"] == "no-store"
    claims = rp.id_token_claims(tokens["id_token"], nonce=attempt.params["nonce"])
    assert claims["sub"] == user.public_id
    assert claims["acr"] == ACR_COMPANY_VALIDATED
    assert claims["amr"] == ["pwd"]
    assert claims["sid"]


def test_code_flow_with_client_secret_post(make_service, make_rp, signed_in, user):
    service = make_service(auth_method="client_secret_post")
    rp = make_rp(service, signed_in(user))

    attempt = rp.authorize()
    response = rp.exchange(attempt, auth="post")

    assert response.status_code == 200, response.get_json()
    rp.id_token_claims(response.get_json()["id_token"], nonce=attempt.params["nonce"])


def test_a_client_cannot_use_another_authentication_method_than_its_own(rp):
    attempt = rp.authorize()

    response = rp.exchange(attempt, auth="post")

    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_wrong_client_secret_is_refused(rp):
    attempt = rp.authorize()

    response = rp.token_request(
        {
            "grant_type": "authorization_code",
            "code": attempt.code,
            "redirect_uri": rp.redirect_uri,
            "code_verifier": attempt.verifier,
        },
        secret="not-the-secret",
    )

    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert "WWW-Authenticate" in response.headers


def test_id_token_at_hash_matches_the_access_token(rp):
    import base64
    import hashlib

    tokens = rp.sign_in_and_get_tokens()

    digest = hashlib.sha256(tokens["access_token"].encode()).digest()
    expected = base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
    assert tokens["claims"]["at_hash"] == expected


def test_auth_time_is_when_the_person_signed_in(rp, db, user):
    from isc.models import AuthSession

    tokens = rp.sign_in_and_get_tokens()

    session = db.session.scalar(db.select(AuthSession).where(AuthSession.user_id == user.id))
    assert tokens["claims"]["auth_time"] == int(session.created_at.timestamp())


def test_mandataire_gets_the_acr_of_an_identity_checked_by_ans(
    make_user, make_rp, service, signed_in
):
    mandataire = make_user("mandataire")

    tokens = make_rp(service, signed_in(mandataire)).sign_in_and_get_tokens()

    assert tokens["claims"]["acr"] == ACR_ANS_VERIFIED


# oidcc-ensure-request-without-nonce-succeeds-for-code-flow ----------------------------------------


def test_request_without_nonce_succeeds(rp):
    attempt = rp.authorize(nonce=None)
    response = rp.exchange(attempt)

    assert response.status_code == 200
    assert "nonce" not in rp.id_token_claims(response.get_json()["id_token"])


# oidcc-response-type-missing / unsupported --------------------------------------------------------


def test_missing_response_type_is_an_error_sent_back_to_the_service(rp):
    attempt = rp.authorize(response_type=None)

    assert attempt.result["error"] in ("invalid_request", "unsupported_response_type")
    assert attempt.result["state"] == attempt.params["state"]
    assert attempt.result["iss"] == ISSUER


@pytest.mark.parametrize("response_type", ["token", "id_token", "code id_token", "code token"])
def test_implicit_and_hybrid_flows_are_refused(rp, response_type):
    attempt = rp.authorize(response_type=response_type)

    assert attempt.result["error"] == "unsupported_response_type"


# oidcc-userinfo-get / -post-header / -post-body ---------------------------------------------------


@pytest.mark.parametrize("how", ["get", "post-header", "post-body"])
def test_userinfo_answers_with_the_bearer_token(rp, user, how):
    tokens = rp.sign_in_and_get_tokens()

    response = rp.userinfo(
        tokens["access_token"], method="GET" if how == "get" else "POST", in_body=how == "post-body"
    )

    assert response.status_code == 200, response.get_json()
    info = response.get_json()
    assert info["sub"] == tokens["claims"]["sub"] == user.public_id
    assert info["email"] == "camille.martin@laboratoire.fr"
    assert info["given_name"] == "Camille"


def test_userinfo_without_token_asks_for_one(rp):
    response = rp.backend.get("/oidc/userinfo")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_userinfo_with_an_unknown_token_is_refused(rp):
    response = rp.userinfo("not-a-token")

    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_token"


# oidcc-scope-profile / -email / -address / -phone / -all ------------------------------------------


def test_each_scope_returns_its_claims_from_userinfo(rp, user):
    tokens = rp.sign_in_and_get_tokens(scope="openid profile email address phone isc")

    info = rp.userinfo(tokens["access_token"]).get_json()

    assert info["name"] == "Camille Martin"
    assert info["family_name"] == "Martin" and info["given_name"] == "Camille"
    assert info["preferred_username"] == "camille.martin"
    assert info["gender"] == "female"
    assert info["email"] == user.email and info["email_verified"] is True
    assert info["phone_number"] == "+33123456789"
    assert info["address"] == {"formatted": user.company.head_office_address}
    assert info["isc_role"] == "salarie"
    assert info["isc_company"] == {
        "identifier_type": "siren",
        "identifier": user.company.identifier_value,
        "name": user.company.name,
        "address": user.company.head_office_address,
    }


def test_openid_scope_alone_gives_only_the_subject(rp):
    tokens = rp.sign_in_and_get_tokens(scope="openid")

    assert rp.userinfo(tokens["access_token"]).get_json() == {"sub": tokens["claims"]["sub"]}


def test_scopes_the_service_may_not_receive_are_left_out(make_service, make_rp, signed_in, user):
    service = make_service(scopes=["openid", "email"])
    rp = make_rp(service, signed_in(user))

    tokens = rp.sign_in_and_get_tokens(scope="openid profile email isc")

    assert tokens["scope"] == "openid email"
    assert set(rp.userinfo(tokens["access_token"]).get_json()) == {"sub", "email", "email_verified"}


def test_unknown_scopes_are_ignored(rp):
    tokens = rp.sign_in_and_get_tokens(scope="openid email offline_access made_up")

    assert tokens["scope"] == "openid email"


def test_scopes_and_parameters_in_another_order_still_work(rp):
    attempt = rp.authorize(scope="email profile openid")
    query = "&".join(f"{k}={v}" for k, v in reversed(list(attempt.params.items())))
    response = rp.browser.get("/oidc/authorize?" + query.replace(" ", "%20"))

    assert "code" in query_of(response.headers["Location"])


# oidcc-display-page / -popup, login_hint, ui_locales, claims_locales, unknown parameters ----------


@pytest.mark.parametrize(
    "extra",
    [
        {"display": "page"},
        {"display": "popup"},
        {"login_hint": "camille.martin"},
        {"ui_locales": "fr-FR en"},
        {"claims_locales": "fr-FR"},
        {"extra_parameter": "ignored"},
        {"acr_values": "urn:isc:acr:ans-verified"},
    ],
)
def test_optional_and_unknown_parameters_cause_no_error(rp, extra):
    attempt = rp.authorize(**extra)

    assert "code" in attempt.result
    assert rp.exchange(attempt).status_code == 200


def test_acr_values_request_returns_the_acr(rp):
    tokens = rp.sign_in_and_get_tokens(acr_values=f"{ACR_ANS_VERIFIED} {ACR_COMPANY_VALIDATED}")

    assert tokens["claims"]["acr"] == ACR_COMPANY_VALIDATED


def test_an_essential_acr_the_person_cannot_meet_fails(rp):
    claims = {"id_token": {"acr": {"essential": True, "values": [ACR_ANS_VERIFIED]}}}

    attempt = rp.authorize(claims=json.dumps(claims))

    assert attempt.result["error"] == "access_denied"


# oidcc-ensure-post-request-succeeds ---------------------------------------------------------------


def test_authorization_request_by_post_succeeds(rp):
    attempt = rp.authorize(method="POST")

    assert "code" in attempt.result
    assert rp.exchange(attempt).status_code == 200


# oidcc-unsigned-request-object / oidcc-request-uri ------------------------------------------------


def test_request_objects_are_refused_with_the_standard_error(rp):
    attempt = rp.authorize(request="eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.")

    assert attempt.result["error"] == "request_not_supported"
    assert attempt.result["state"] == attempt.params["state"]


def test_request_uri_is_refused_with_the_standard_error(rp):
    attempt = rp.authorize(request_uri="https://service.example.fr/request.jwt")

    assert attempt.result["error"] == "request_uri_not_supported"


# oidcc-claims-essential ---------------------------------------------------------------------------


def test_claims_parameter_with_an_essential_claim_succeeds(rp):
    claims = {"userinfo": {"name": {"essential": True}}, "id_token": {"email": None}}

    tokens = rp.sign_in_and_get_tokens(scope="openid", claims=json.dumps(claims))

    assert rp.userinfo(tokens["access_token"]).get_json()["name"] == "Camille Martin"
    assert tokens["claims"]["email"] == "camille.martin@laboratoire.fr"


def test_malformed_claims_parameter_is_an_invalid_request(rp):
    attempt = rp.authorize(claims="{not json")

    assert attempt.result["error"] == "invalid_request"


# Repeated parameters ------------------------------------------------------------------------------


def test_a_repeated_parameter_is_an_invalid_request(rp):
    attempt = rp.authorize()
    response = rp.browser.get(attempt.response.request.url + "&state=other")

    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert query_of(response.headers["Location"])["error"] == "invalid_request"


# Codes --------------------------------------------------------------------------------------------


def test_a_code_is_valid_sixty_seconds(rp, db):
    from isc.models import AuthorizationCode

    attempt = rp.authorize()
    code = db.session.scalar(db.select(AuthorizationCode))
    assert (code.expires_at - code.created_at).total_seconds() == 60
    code.expires_at = code.created_at
    db.session.commit()

    response = rp.exchange(attempt)

    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_a_code_is_bound_to_its_redirect_uri(make_service, make_rp, signed_in, user):
    service = make_service(redirect_uris=["https://a.example.fr/cb", "https://a.example.fr/other"])
    rp = make_rp(service, signed_in(user))
    attempt = rp.authorize()

    response = rp.exchange(attempt, redirect_uri="https://a.example.fr/other")

    assert response.get_json()["error"] == "invalid_grant"


def test_a_code_is_bound_to_its_client(rp, make_service, make_rp):
    other = make_rp(make_service())
    attempt = rp.authorize()

    response = other.token_request(
        {
            "grant_type": "authorization_code",
            "code": attempt.code,
            "redirect_uri": rp.redirect_uri,
            "code_verifier": attempt.verifier,
        }
    )

    assert response.get_json()["error"] == "invalid_grant"


def test_grant_types_other_than_code_and_refresh_are_refused(rp):
    for grant_type in ("password", "client_credentials", "implicit"):
        response = rp.token_request({"grant_type": grant_type, "username": "x", "password": "y"})
        assert response.get_json()["error"] == "unsupported_grant_type"


def test_es256_service_gets_es256_id_tokens(make_service, make_rp, signed_in, user):
    import base64

    service = make_service(id_token_signed_response_alg="ES256")
    tokens = make_rp(service, signed_in(user)).sign_in_and_get_tokens()

    header = json.loads(base64.urlsafe_b64decode(tokens["id_token"].split(".")[0] + "=="))
    assert header["alg"] == "ES256"


def test_id_token_expires_after_the_configured_lifetime(rp):
    tokens = rp.sign_in_and_get_tokens()

    claims = tokens["claims"]
    assert claims["exp"] - claims["iat"] == 600
    assert abs(claims["iat"] - time.time()) < 5


def test_an_overlong_nonce_is_an_invalid_request(rp):
    assert rp.authorize(nonce="n" * 256).result["error"] == "invalid_request"


def test_email_is_no_longer_verified_once_changed_until_a_link_reaches_it(rp, db, user):
    assert rp.userinfo(rp.sign_in_and_get_tokens(scope="openid email")["access_token"]).get_json()["email_verified"]
    user.email = "nouvelle.adresse@example.fr"
    user.email_verified_at = None  # what a validated modification or a direct edit does
    db.session.commit()

    info = rp.userinfo(rp.sign_in_and_get_tokens(scope="openid email")["access_token"]).get_json()

    assert info["email"] == "nouvelle.adresse@example.fr" and info["email_verified"] is False


def test_phone_number_is_the_direct_line_first(rp, db, user):
    user.direct_phone, user.phone = "+33123456700", "+33123456789"
    db.session.commit()

    info = rp.userinfo(rp.sign_in_and_get_tokens(scope="openid phone")["access_token"]).get_json()

    assert info["phone_number"] == "+33123456700" and info["phone_number_verified"] is False
