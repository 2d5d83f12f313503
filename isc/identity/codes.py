"""The partner's vocabulary: verification statuses, webhook event types, response codes.

Shared by the client, the webhook parser and the stand-in. The partner adds statuses, events
and codes over time: everything here is a list of what ISC knows, never a gate — unknown
values are kept as they come and flagged for manual review.
"""

import logging
from typing import NamedTuple

log = logging.getLogger(__name__)

# Statuses of an identity verification (API v2). "created" is documented, "pending" is what
# the partner's own fixtures show at creation: both are accepted.
CREATED = "created"
PENDING = "pending"
CAPTURE_IN_PROGRESS = "capture_in_progress"
CHECKS_IN_PROGRESS = "checks_in_progress"
APPROVED = "approved"
DECLINED = "declined"
RETRY_REQUIRED = "retry_required"
INCONCLUSIVE = "inconclusive"
REFUSED = "refused"

STATUSES = frozenset(
    {
        CREATED,
        PENDING,
        CAPTURE_IN_PROGRESS,
        CHECKS_IN_PROGRESS,
        APPROVED,
        DECLINED,
        RETRY_REQUIRED,
        INCONCLUSIVE,
        REFUSED,
    }
)
# The checks are over: the verification has a verdict that only a new verification changes.
FINAL_STATUSES = frozenset({APPROVED, DECLINED, REFUSED})

# Types of the webhook events (CloudEvents `type`) documented by the partner.
EVENT_CREATED = "identity_verification_created"
EVENT_OPENED = "identity_verification_opened"
EVENT_STARTED = "identity_verification_started"
EVENT_RESET = "identity_verification_reset"
EVENT_CAPTURE_COMPLETED = "identity_verification_capture_completed"
EVENT_CHECKS_COMPLETED = "identity_verification_checks_completed"
EVENT_LINK_EXPIRED = "identity_verification_link_expired"
EVENT_CAPTURE_REFUSED = "identity_verification_capture_refused"
EVENT_CAPTURE_ABORTED = "identity_verification_capture_aborted"
EVENT_CHECKS_INCONCLUSIVE = "identity_verification_checks_inconclusive"
EVENT_RETRY_REQUESTED = "identity_verification_retry_requested"
EVENT_CLOSED = "identity_verification_closed"
EVENT_ANONYMIZED = "identity_verification_anonymized"
EVENT_AUDIT_COMPLETED = "identity_verification_audit_completed"
EVENT_REPORT_CREATED = "identity_verification_report_created"

EVENT_TYPES = frozenset(
    {
        EVENT_CREATED,
        EVENT_OPENED,
        EVENT_STARTED,
        EVENT_RESET,
        EVENT_CAPTURE_COMPLETED,
        EVENT_CHECKS_COMPLETED,
        EVENT_LINK_EXPIRED,
        EVENT_CAPTURE_REFUSED,
        EVENT_CAPTURE_ABORTED,
        EVENT_CHECKS_INCONCLUSIVE,
        EVENT_RETRY_REQUESTED,
        EVENT_CLOSED,
        EVENT_ANONYMIZED,
        EVENT_AUDIT_COMPLETED,
        EVENT_REPORT_CREATED,
    }
)

APPROVED_CODE = 10000


class ResponseCode(NamedTuple):
    """One entry of `response_codes`: `(10000, "approved")`."""

    code: int
    summary: str


# The partner's summary (English, as sent) and ISC's French wording of the codes it knows.
# Summaries marked "?" are ISC's guess: the stand-in sends them, the real partner's own win.
KNOWN_CODES: dict[int, tuple[str, str]] = {
    10000: ("approved", "Vérification réussie"),
    61101: ("capture_aborted", "Parcours interrompu avant la fin des vidéos"),  # ?
    61301: ("document_blurry", "Vidéo de la pièce d'identité floue"),
    61313: ("document_not_tilted", "Pièce d'identité non inclinée pendant la vidéo"),
    61412: ("face_not_turned", "Visage non tourné de profil pendant la vidéo"),
    62101: ("document_expired", "Pièce d'identité expirée"),
    62201: ("document_photocopy", "Photocopie ou écran à la place de la pièce d'identité"),
    62301: ("document_counterfeit", "Pièce d'identité contrefaite"),
    62304: ("face_mismatch", "Le visage ne correspond pas à la photo de la pièce d'identité"),
    62305: (
        "face_not_live",
        "Le visage filmé n'est pas celui d'une personne réellement présente",
    ),  # ?
    62401: (
        "declared_identity_mismatch",  # ?
        "L'identité déclarée ne correspond pas à celle de la pièce d'identité",
    ),
    63001: ("applicant_refused", "La personne a refusé la vérification"),  # ?
}


def is_retry_code(code: int) -> bool:
    """611xx–619xx: the capture was not good enough; a new attempt may succeed."""
    return 61100 <= code <= 61999


def code_label(code: int) -> str:
    """The French wording of a response code, by family when the code itself is unknown."""
    if code in KNOWN_CODES:
        return KNOWN_CODES[code][1]
    if is_retry_code(code):
        return f"Nouvelle tentative nécessaire (code {code})"
    if 62000 <= code <= 62999:
        return f"Vérification refusée (code {code})"
    return f"Code {code}"


def code_summary(code: int) -> str:
    """The partner's summary of a code the stand-in sends."""
    return KNOWN_CODES[code][0] if code in KNOWN_CODES else f"code_{code}"


def parse_response_codes(value: object) -> list[ResponseCode]:
    """`[{"code": 10000, "summary": "approved"}, ...]` as sent; malformed entries are skipped."""
    if not isinstance(value, list):
        if value is not None:
            log.warning("Ubble: response_codes is not a list: %r", value)
        return []
    codes = []
    for entry in value:
        raw = entry.get("code") if isinstance(entry, dict) else None
        try:
            code = int(raw)
        except (TypeError, ValueError):
            log.warning("Ubble: unreadable response code skipped: %r", entry)
            continue
        summary = entry.get("summary")
        codes.append(ResponseCode(code, summary if isinstance(summary, str) else ""))
    return codes


def response_codes_json(codes: list[ResponseCode]) -> list[dict]:
    """The wire form of response codes, as the partner sends them."""
    return [{"code": code, "summary": summary} for code, summary in codes]
