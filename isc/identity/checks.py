"""The partner's response codes, read as the three checks the ANS reviewer makes.

The guide lists them: authenticity of the ID document, the face matches the document's photo
(and is a live person), the declared identity matches the document. Names against the Kbis
are ISC's own check, outside the partner's answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from isc.identity.codes import APPROVED_CODE, ResponseCode, is_retry_code

FACE_CODES = frozenset({62304, 62305})
DECLARED_IDENTITY_CODES = frozenset({62401})


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"


OUTCOME_LABELS = {
    Outcome.PASSED: "Conforme",
    Outcome.FAILED: "Non conforme",
    Outcome.UNKNOWN: "Non déterminé",
}


@dataclass(frozen=True)
class CheckResult:
    key: str  # "document", "face" or "declared_identity"
    label: str  # French name of the check
    outcome: Outcome
    codes: tuple[int, ...]  # the response codes that failed this check

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass(frozen=True)
class ReviewChecks:
    document: CheckResult
    face: CheckResult
    declared_identity: CheckResult
    approved: bool  # the partner sent 10000
    retry_codes: tuple[int, ...]  # 611xx–619xx: the capture must be done again
    other_codes: tuple[int, ...]  # codes that belong to none of the above

    def __iter__(self):
        return iter((self.document, self.face, self.declared_identity))


def is_document_code(code: int) -> bool:
    """621xx expiry, 622xx copies, 623xx forgeries — except the face codes 62304 and 62305."""
    return 62100 <= code <= 62399 and code not in FACE_CODES


def review_checks(response_codes: Iterable[ResponseCode | int]) -> ReviewChecks:
    """Sort the partner's codes into the three checks: passed, failed (with its codes) or unknown.

    A check passes only when the partner approved (10000) and sent none of its failure codes;
    without a verdict (retry, capture in progress, unknown codes) it stays unknown.
    """
    codes = [int(c.code if isinstance(c, ResponseCode) else c) for c in response_codes]
    approved = APPROVED_CODE in codes

    def check(key: str, label: str, failing: list[int]) -> CheckResult:
        if failing:
            outcome = Outcome.FAILED
        else:
            outcome = Outcome.PASSED if approved else Outcome.UNKNOWN
        return CheckResult(key, label, outcome, tuple(failing))

    document = [c for c in codes if is_document_code(c)]
    face = [c for c in codes if c in FACE_CODES]
    identity = [c for c in codes if c in DECLARED_IDENTITY_CODES]
    retry = [c for c in codes if is_retry_code(c)]
    sorted_codes = set(document + face + identity + retry + [APPROVED_CODE])
    return ReviewChecks(
        document=check("document", "Authenticité de la pièce d'identité", document),
        face=check("face", "Correspondance du visage avec la photo de la pièce d'identité", face),
        declared_identity=check(
            "declared_identity",
            "Cohérence de l'identité déclarée avec la pièce d'identité",
            identity,
        ),
        approved=approved,
        retry_codes=tuple(retry),
        other_codes=tuple(c for c in codes if c not in sorted_codes),
    )
