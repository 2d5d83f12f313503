"""What the stand-in partner does: ids, statuses, attempts, verdicts and the events they raise.

Plain functions over the records of one transaction. Each change that the real partner
announces by webhook returns the events to send (`Outgoing`); the caller sends them once the
transaction is committed. The sequence follows the partner's documentation:

    pending --attempt--> pending --page opened--> capture_in_progress
        --capture done--> checks_in_progress --checks--> approved | declined | retry_required
    capture_in_progress --abandoned--> retry_required --new attempt--> pending
"""

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from isc.identity import codes
from isc.identity.codes import ResponseCode, code_summary, response_codes_json
from isc.identity.standin.store import Records

ATTEMPT_TTL = timedelta(minutes=15)  # the partner's default validity of a verification URL
DECLINE_CODES = (62101, 62201, 62301, 62304, 62305, 62401)
RETRY_CODES = (61301, 61313, 61412)
ABANDON_CODE = 61101
# The configuration ("user journey") used when ISC names none, as the partner's default would be.
DEFAULT_USER_JOURNEY = "usj_" + "0" * 26
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


class StandInError(Exception):
    """A request the partner would refuse: HTTP status, problem type and code."""

    def __init__(self, status: int, error_type: str, code: str):
        super().__init__(f"{status} {error_type}: {code}")
        self.status = status
        self.error_type = error_type
        self.code = code


@dataclass(frozen=True)
class Outgoing:
    """A webhook to send: the event and where."""

    webhook_url: str
    event: dict


@dataclass(frozen=True)
class Capture:
    """What the person "filmed", as the tester describes it on the hosted page."""

    document_type: str
    issuing_country: str
    first_names: str
    last_name: str
    birth_date: str  # ISO date


@dataclass(frozen=True)
class Decision:
    outcome: str  # "approve", "decline", "retry" or "abandon"
    code: int | None = None  # the response code of a decline or a retry
    capture: Capture | None = None


@dataclass(frozen=True)
class Page:
    """The hosted page's state: "capture", "finished", "expired" or "replaced"."""

    state: str
    verification: dict
    attempt: dict


def new_id(prefix: str) -> str:
    """`<prefix>_` + 26 lower-case Crockford base32 characters (time-ordered, like a ULID)."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return prefix + "_" + "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime | None = None) -> str:
    return (moment or _now()).isoformat(timespec="microseconds").replace("+00:00", "Z")


# --- API ----------------------------------------------------------------------------------------


def create_applicant(records: Records, body: dict) -> dict:
    external_id, email = body.get("external_applicant_id"), body.get("email")
    if external_id is not None and not isinstance(external_id, str):
        raise StandInError(422, "request_invalid", "external_applicant_id_invalid")
    if email is not None and (not isinstance(email, str) or "@" not in email):
        raise StandInError(422, "request_invalid", "email_invalid")
    applicant = {
        "id": new_id("aplt"),
        "external_applicant_id": external_id,
        "email": email,
        "created_on": _stamp(),
        "modified_on": _stamp(),
    }
    records.put("applicant", applicant["id"], applicant)
    return applicant


def create_verification(records: Records, body: dict) -> tuple[dict, list[Outgoing]]:
    applicant = records.get("applicant", body.get("applicant_id") or "")
    if applicant is None:
        raise StandInError(422, "request_invalid", "applicant_id_invalid")
    declared = body.get("declared_data")
    if (
        not isinstance(declared, dict)
        or not isinstance(declared.get("name"), str)
        or not declared["name"].strip()
    ):
        raise StandInError(422, "request_invalid", "declared_data_name_required")
    for name in ("redirect_url", "webhook_url"):
        if body.get(name) is not None and not _is_http_url(body[name]):
            raise StandInError(422, "request_invalid", f"{name}_invalid")
    if not body.get("redirect_url"):
        raise StandInError(422, "request_invalid", "redirect_url_required")
    verification = {
        "id": new_id("idv"),
        "applicant_id": applicant["id"],
        "external_applicant_id": applicant["external_applicant_id"],
        "user_journey_id": body.get("user_journey_id") or DEFAULT_USER_JOURNEY,
        "status": codes.PENDING,
        "declared_data": {"name": declared["name"].strip()},
        "created_on": _stamp(),
        "modified_on": _stamp(),
        "redirect_url": body["redirect_url"],
        "webhook_url": body.get("webhook_url"),
        "response_codes": [],
        "documents": [],
        "face": None,
        "current_attempt": None,  # {"id": ..., "token": ...}
        "last_event_id": None,
    }
    outgoing = _event(records, verification, codes.EVENT_CREATED)
    _save(records, verification)
    return verification, outgoing


def get_verification(records: Records, idv_id: str) -> dict:
    verification = records.get("verification", idv_id)
    if verification is None:
        raise StandInError(404, "not_found", "identity_verification_not_found")
    return verification


def create_attempt(records: Records, idv_id: str, body: dict) -> tuple[dict, list[Outgoing]]:
    """A new verification URL; it replaces the previous one, if any."""
    verification = get_verification(records, idv_id)
    status = verification["status"]
    if status in codes.FINAL_STATUSES:
        raise StandInError(409, "conflict", "identity_verification_closed")
    if status == codes.CHECKS_IN_PROGRESS:
        raise StandInError(409, "conflict", "checks_in_progress")
    redirect_url = body.get("redirect_url") or verification["redirect_url"]
    if not _is_http_url(redirect_url):
        raise StandInError(422, "request_invalid", "redirect_url_invalid")
    previous = verification["current_attempt"]
    if previous is None:
        event_type = codes.EVENT_OPENED
    elif status in (codes.RETRY_REQUIRED, codes.INCONCLUSIVE):
        event_type = codes.EVENT_RETRY_REQUESTED
    else:
        event_type = codes.EVENT_RESET
    attempt = {
        "id": new_id("iatp"),
        "identity_verification_id": idv_id,
        "token": secrets.token_urlsafe(24),
        "status": "pending_redirection",
        "redirect_url": redirect_url,
        "response_codes": [],
        "created_on": _stamp(),
        "modified_on": _stamp(),
    }
    records.put("attempt", attempt["id"], attempt)
    records.put("link", attempt["token"], {"attempt_id": attempt["id"]})
    verification.update(
        current_attempt={"id": attempt["id"], "token": attempt["token"]},
        status=codes.PENDING,
        response_codes=[],
    )
    outgoing = _event(records, verification, event_type)
    _save(records, verification)
    return attempt, outgoing


def notify(records: Records, idv_id: str, webhook_url: str | None) -> list[Outgoing]:
    """Send the verification's latest event again, to `webhook_url` or its own webhook."""
    verification = get_verification(records, idv_id)
    url = webhook_url or verification["webhook_url"]
    if url is not None and not _is_http_url(url):
        raise StandInError(422, "request_invalid", "webhook_url_invalid")
    event = records.get("event", verification["last_event_id"] or "")
    if event is None or not url:
        raise StandInError(409, "conflict", "nothing_to_notify")
    return [Outgoing(url, event)]


# --- Hosted page --------------------------------------------------------------------------------


def open_attempt(records: Records, token: str) -> tuple[Page, list[Outgoing]]:
    """The person lands on the verification URL: the capture starts, unless it is too late."""
    attempt = _attempt_of(records, token)
    verification = get_verification(records, attempt["identity_verification_id"])
    outgoing: list[Outgoing] = []
    if verification["current_attempt"]["id"] != attempt["id"]:
        return Page("replaced", verification, attempt), outgoing
    if attempt["status"] == "pending_redirection":
        if _now() - _parse(attempt["created_on"]) > ATTEMPT_TTL:
            attempt["status"] = "expired"
            outgoing = _event(records, verification, codes.EVENT_LINK_EXPIRED)
        else:
            attempt["status"] = "capture_in_progress"
            verification["status"] = codes.CAPTURE_IN_PROGRESS
            outgoing = _event(records, verification, codes.EVENT_STARTED)
        _save_attempt(records, attempt)
        _save(records, verification)
    state = {"capture_in_progress": "capture", "expired": "expired"}.get(
        attempt["status"], "finished"
    )
    return Page(state, verification, attempt), outgoing


def finish_attempt(
    records: Records, token: str, decision: Decision, public_url: str
) -> tuple[str, list[Outgoing]]:
    """The tester's verdict; returns where to send the browser back (the attempt's redirect URL)."""
    page, outgoing = open_attempt(records, token)
    if page.state != "capture":
        raise StandInError(409, "conflict", f"attempt_{page.state}")
    verification, attempt = page.verification, page.attempt
    if decision.outcome == "abandon":
        attempt["status"] = "aborted"
        _set_verdict(verification, codes.RETRY_REQUIRED, ABANDON_CODE)
        last_event = codes.EVENT_CAPTURE_ABORTED
    else:
        attempt["status"] = "completed"
        verification.update(
            status=codes.CHECKS_IN_PROGRESS,
            face={"image_signed_url": _specimen(public_url, verification, "visage")},
        )
        outgoing += _event(records, verification, codes.EVENT_CAPTURE_COMPLETED)
        last_event = _checks(verification, decision, public_url)
    attempt["response_codes"] = verification["response_codes"]
    outgoing += _event(records, verification, last_event)
    _save_attempt(records, attempt)
    _save(records, verification)
    code = None if decision.outcome == "approve" else verification["response_codes"][0]["code"]
    return _return_url(attempt["redirect_url"], verification["id"], last_event, code), outgoing


def return_url(records: Records, page: Page) -> str:
    """Where a finished (or expired) attempt sends the browser back, as after its verdict."""
    verification = page.verification
    event = records.get("event", verification["last_event_id"] or "") or {}
    codes_sent = verification["response_codes"]
    code = (
        codes_sent[0]["code"] if codes_sent and verification["status"] != codes.APPROVED else None
    )
    return _return_url(
        page.attempt["redirect_url"], verification["id"], event.get("type", ""), code
    )


def _checks(verification: dict, decision: Decision, public_url: str) -> str:
    """Set the verdict of the checks; returns the event type that announces it."""
    if decision.outcome == "approve":
        _set_verdict(verification, codes.APPROVED, codes.APPROVED_CODE)
    elif decision.outcome == "decline" and decision.code in DECLINE_CODES:
        _set_verdict(verification, codes.DECLINED, decision.code)
    elif decision.outcome == "retry" and decision.code in RETRY_CODES:
        _set_verdict(verification, codes.RETRY_REQUIRED, decision.code)
        return codes.EVENT_CHECKS_INCONCLUSIVE
    else:
        raise StandInError(400, "request_invalid", "decision_invalid")
    if decision.capture is not None:
        verification["documents"] = [
            _document(decision.capture, verification, decision.code, public_url)
        ]
    return codes.EVENT_CHECKS_COMPLETED


def _set_verdict(verification: dict, status: str, code: int) -> None:
    verification["status"] = status
    verification["response_codes"] = response_codes_json([ResponseCode(code, code_summary(code))])


def _document(capture: Capture, verification: dict, code: int | None, public_url: str) -> dict:
    today = date.today()
    expiry = today - timedelta(days=30) if code == 62101 else today + timedelta(days=5 * 365)
    first_names = capture.first_names.strip()
    return {
        "document_type": capture.document_type,
        "document_issuing_country": capture.issuing_country,
        "document_number": "24" + secrets.token_hex(4).upper(),
        "document_issue_date": (expiry - timedelta(days=10 * 365)).isoformat(),
        "document_expiry_date": expiry.isoformat(),
        "first_names": first_names,
        "last_name": capture.last_name.strip(),
        "full_name": f"{first_names.replace(',', '')} {capture.last_name.strip()}".strip(),
        "birth_date": capture.birth_date,
        "front_image_signed_url": _specimen(public_url, verification, "recto"),
        "back_image_signed_url": _specimen(public_url, verification, "verso"),
    }


def split_declared_name(name: str) -> tuple[str, str]:
    """ "Pierre-François Durand" → ("PIERRE-FRANÇOIS", "DURAND"), as an ID document prints it."""
    words = name.upper().split()
    if len(words) < 2:
        return "", " ".join(words)
    return ", ".join(words[:-1]), words[-1]


# --- Helpers --------------------------------------------------------------------------------------


def _event(records: Records, verification: dict, event_type: str) -> list[Outgoing]:
    """Record a CloudEvents event of the verification as it is now; return it to send."""
    data = {
        "applicant_id": verification["applicant_id"],
        "identity_verification_id": verification["id"],
        "user_journey_id": verification["user_journey_id"],
        "status": verification["status"],
        "response_codes": verification["response_codes"],
    }
    if verification["external_applicant_id"]:
        data["external_applicant_id"] = verification["external_applicant_id"]
    event = {
        "specversion": "2.0",  # what the partner's own examples carry
        "type": event_type,
        "subject": verification["id"],
        "id": new_id("evnt"),
        "time": _now().replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": data,
    }
    records.put("event", event["id"], event)
    verification["last_event_id"] = event["id"]
    url = verification["webhook_url"]
    return [Outgoing(url, event)] if url else []


def _attempt_of(records: Records, token: str) -> dict:
    link = records.get("link", token)
    attempt = records.get("attempt", link["attempt_id"]) if link else None
    if attempt is None:
        raise StandInError(404, "not_found", "attempt_not_found")
    return attempt


def _save(records: Records, verification: dict) -> None:
    verification["modified_on"] = _stamp()
    records.put("verification", verification["id"], verification)


def _save_attempt(records: Records, attempt: dict) -> None:
    attempt["modified_on"] = _stamp()
    records.put("attempt", attempt["id"], attempt)


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _specimen(public_url: str, verification: dict, side: str) -> str:
    return f"{public_url}/specimens/{verification['id']}/{side}.svg"


def _is_http_url(value: object) -> bool:
    return (
        isinstance(value, str)
        and urlsplit(value).scheme in ("http", "https")
        and bool(urlsplit(value).netloc)
    )


def _return_url(base: str, idv_id: str, event_type: str, code: int | None) -> str:
    """The redirect URL with what the partner appends: `id`, `event` and `response_code`."""
    parts = urlsplit(base)
    params = parse_qsl(parts.query) + [("id", idv_id), ("event", event_type)]
    if code is not None:
        params.append(("response_code", str(code)))
    return urlunsplit(parts._replace(query=urlencode(params)))
