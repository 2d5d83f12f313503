"""Client of the partner's Identity Verification API v2 (Ubble, now Checkout.com).

The calls ISC makes for one mandataire: create an applicant, create an identity verification
with the declared name, create an attempt (its URL is where the person films their document
and face), read the verification back, ask for its webhook again. Every failure comes out as
one `PartnerError` whose `retryable` flag tells a job whether trying later may help.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import requests
from flask import Flask

from isc import ConfigurationError
from isc.identity.codes import STATUSES, ResponseCode, parse_response_codes
from isc.identity.fields import day, text, timestamp

log = logging.getLogger(__name__)

# 408 and 429 say "not now" rather than "never".
RETRYABLE_STATUSES = frozenset({408, 429})


class PartnerError(Exception):
    """The partner could not be reached or refused the call.

    `retryable`: network errors, timeouts, 5xx, 408 and 429 — the same call may succeed later;
    other 4xx and unreadable answers will not get better by waiting.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        status_code: int | None = None,
        error_type: str | None = None,
        error_codes: tuple[str, ...] = (),
    ):
        super().__init__(message)
        self.retryable = retryable
        self.status_code = status_code
        self.error_type = error_type  # the partner's problem type, when it sent one
        self.error_codes = error_codes


@dataclass(frozen=True)
class Document:
    """The first ID document the partner read (names as printed: "ORIANE, MAX", "BERTONE")."""

    document_type: str | None  # "ID", "Passport", ...
    issuing_country: str | None  # "FRA" (the partner also sends "FR")
    number: str | None
    expiry_date: date | None
    first_names: str | None
    last_name: str | None
    full_name: str | None
    birth_date: date | None
    front_image_url: str | None = None  # signed URLs valid a few minutes
    back_image_url: str | None = None


@dataclass(frozen=True)
class IdentityVerification:
    id: str
    status: str  # as sent, known or not: see `status_known`
    applicant_id: str | None
    user_journey_id: str | None
    declared_name: str | None
    redirect_url: str | None
    webhook_url: str | None
    response_codes: list[ResponseCode]
    document: Document | None
    face_image_url: str | None
    created_on: datetime | None
    modified_on: datetime | None
    raw: dict = field(repr=False, compare=False)  # the whole answer, for the record

    @property
    def status_known(self) -> bool:
        """False for a status ISC has never heard of: keep it and leave it to a person."""
        return self.status in STATUSES


class UbbleClient:
    """The API v2 over HTTPS: mutual TLS (`cert`) and/or HTTP Basic (`basic_auth`)."""

    def __init__(
        self,
        base_url: str,
        *,
        cert: tuple[str, str] | None = None,
        basic_auth: tuple[str, str] | None = None,
        timeout: float = 10.0,
        user_journey_id: str | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.user_journey_id = user_journey_id
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": "ISC"})
        self.session.cert = cert
        self.session.auth = basic_auth

    def create_applicant(self, external_applicant_id: str, email: str) -> str:
        """Register the person with the partner; returns the applicant id (`aplt_...`)."""
        answer = self._call(
            "POST",
            "/v2/applicants",
            {"external_applicant_id": external_applicant_id, "email": email},
        )
        return _required_id(answer, "aplt_")

    def create_identity_verification(
        self, applicant_id: str, declared_name: str, redirect_url: str, webhook_url: str
    ) -> str:
        """Open a verification of the declared name; returns its id (`idv_...`)."""
        body: dict[str, Any] = {
            "applicant_id": applicant_id,
            "declared_data": {"name": declared_name},
            "redirect_url": redirect_url,
            "webhook_url": webhook_url,
        }
        if self.user_journey_id:
            body["user_journey_id"] = self.user_journey_id
        return _required_id(self._call("POST", "/v2/identity-verifications", body), "idv_")

    def create_attempt(self, idv_id: str, redirect_url: str) -> str:
        """Start an attempt; returns the URL where the person films (valid ~15 minutes)."""
        answer = self._call(
            "POST", f"/v2/identity-verifications/{idv_id}/attempts", {"redirect_url": redirect_url}
        )
        url = _link(answer, "verification_url")
        if not url:
            raise PartnerError("No verification_url in the attempt", retryable=False)
        return url

    def get_identity_verification(self, idv_id: str) -> IdentityVerification:
        """The verification as the partner sees it now: status, codes, document read."""
        answer = self._call("GET", f"/v2/identity-verifications/{idv_id}")
        if not isinstance(answer.get("id"), str) or not isinstance(answer.get("status"), str):
            raise PartnerError("Identity verification without id or status", retryable=False)
        return parse_identity_verification(answer)

    def request_notification(self, idv_id: str, webhook_url: str) -> None:
        """Ask the partner to send the verification's webhook again (a missed notification)."""
        self._call(
            "POST", f"/v2/identity-verifications/{idv_id}/notify", {"webhook_url": webhook_url}
        )

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        url = self.base_url + path
        try:
            response = self.session.request(method, url, json=body, timeout=self.timeout)
        except requests.exceptions.SSLError as error:  # certificates: configuration, not luck
            raise PartnerError(
                f"TLS error calling {method} {path}: {error}", retryable=False
            ) from error
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as error:
            raise PartnerError(
                f"Partner unreachable on {method} {path}: {error}", retryable=True
            ) from error
        except (requests.exceptions.RequestException, OSError) as error:
            raise PartnerError(f"Cannot call {method} {path}: {error}", retryable=False) from error
        if response.status_code >= 400:
            raise _http_error(method, path, response)
        if not response.content.strip():
            return {}
        try:
            answer = response.json()
        except ValueError as error:
            raise PartnerError(
                f"{method} {path}: the answer is not JSON", retryable=False
            ) from error
        if not isinstance(answer, dict):
            raise PartnerError(f"{method} {path}: the answer is not a JSON object", retryable=False)
        return answer


def _http_error(method: str, path: str, response: requests.Response) -> PartnerError:
    status = response.status_code
    error_type, error_codes = None, ()
    try:
        problem = response.json()
    except ValueError:
        problem = None
    if isinstance(problem, dict):
        error_type = (
            problem.get("error_type") if isinstance(problem.get("error_type"), str) else None
        )
        if isinstance(problem.get("error_codes"), list):
            error_codes = tuple(str(code) for code in problem["error_codes"])
    detail = f" ({error_type}: {', '.join(error_codes)})" if error_type else ""
    return PartnerError(
        f"{method} {path}: HTTP {status}{detail}",
        retryable=status >= 500 or status in RETRYABLE_STATUSES,
        status_code=status,
        error_type=error_type,
        error_codes=error_codes,
    )


def _required_id(answer: dict, prefix: str) -> str:
    value = answer.get("id")
    if not isinstance(value, str) or not value:
        raise PartnerError(f"No {prefix}... id in the partner's answer", retryable=False)
    return value


def _link(answer: dict, name: str) -> str | None:
    link = (
        (answer.get("_links") or {}).get(name) if isinstance(answer.get("_links"), dict) else None
    )
    href = link.get("href") if isinstance(link, dict) else None
    return href if isinstance(href, str) and href else None


# --- Reading the partner's answers --------------------------------------------------------------


def parse_identity_verification(answer: dict) -> IdentityVerification:
    """Read `GET /v2/identity-verifications/{id}`: unknown fields ignored, odd values dropped."""
    status = str(answer.get("status"))
    if status not in STATUSES:
        log.warning(
            "Ubble: unknown status %r for %s, kept for manual review", status, answer.get("id")
        )
    declared = answer.get("declared_data")
    documents = answer.get("documents")
    face = answer.get("face")
    return IdentityVerification(
        id=str(answer.get("id")),
        status=status,
        applicant_id=text(answer.get("applicant_id")),
        user_journey_id=text(answer.get("user_journey_id")),
        declared_name=text(declared.get("name")) if isinstance(declared, dict) else None,
        redirect_url=text(answer.get("redirect_url")),
        webhook_url=text(answer.get("webhook_url")),
        response_codes=parse_response_codes(answer.get("response_codes")),
        document=_document(documents[0]) if isinstance(documents, list) and documents else None,
        face_image_url=text(face.get("image_signed_url")) if isinstance(face, dict) else None,
        created_on=timestamp(answer.get("created_on")),
        modified_on=timestamp(answer.get("modified_on")),
        raw=answer,
    )


def _document(value: object) -> Document | None:
    if not isinstance(value, dict):
        return None
    return Document(
        document_type=text(value.get("document_type")),
        issuing_country=text(value.get("document_issuing_country")),
        number=text(value.get("document_number")),
        expiry_date=day(value.get("document_expiry_date")),
        first_names=text(value.get("first_names")),
        last_name=text(value.get("last_name")),
        full_name=text(value.get("full_name")),
        birth_date=day(value.get("birth_date")),
        front_image_url=text(value.get("front_image_signed_url")),
        back_image_url=text(value.get("back_image_signed_url")),
    )


# --- Settings -----------------------------------------------------------------------------------


def from_config(app: Flask) -> UbbleClient:
    """The client the settings describe; UBBLE_API_URL empty means the local stand-in.

    Relative certificate paths are read from the instance folder.
    """
    config = app.config
    return UbbleClient(
        api_url(app),
        cert=_pair(app, "UBBLE_CLIENT_CERT", "UBBLE_CLIENT_KEY", paths=True),
        basic_auth=_pair(app, "UBBLE_CLIENT_ID", "UBBLE_CLIENT_SECRET"),
        timeout=float(config["UBBLE_TIMEOUT"]),
        user_journey_id=config.get("UBBLE_USER_JOURNEY_ID") or None,
    )


def api_url(app: Flask) -> str:
    """UBBLE_API_URL, or else the stand-in's address at BASE_URL (never in production)."""
    if app.config.get("UBBLE_API_URL"):
        return app.config["UBBLE_API_URL"].rstrip("/")
    from isc.identity import standin

    if not standin.is_enabled(app):
        raise ConfigurationError("UBBLE_API_URL must be set: the local stand-in is off here.")
    return standin.public_url(app)


def _pair(app: Flask, first: str, second: str, *, paths: bool = False) -> tuple[str, str] | None:
    values = (app.config.get(first), app.config.get(second))
    if not any(values):
        return None
    if not all(values):
        raise ConfigurationError(f"{first} and {second} go together: set both or neither.")
    if paths:
        instance = Path(app.instance_path)
        values = tuple(str(instance / value) for value in values)  # absolute paths stay as they are
    return values[0], values[1]
