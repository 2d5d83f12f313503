"""Response codes read as the three checks of the ANS reviewer."""

from isc.identity.checks import Outcome, review_checks
from isc.identity.codes import ResponseCode, code_label


def outcomes(*codes):
    checks = review_checks(codes)
    return checks.document.outcome, checks.face.outcome, checks.declared_identity.outcome


P, F, U = Outcome.PASSED, Outcome.FAILED, Outcome.UNKNOWN


def test_approval_passes_the_three_checks():
    checks = review_checks([ResponseCode(10000, "approved")])
    assert checks.approved
    assert [check.outcome for check in checks] == [P, P, P]
    assert [check.outcome_label for check in checks] == ["Conforme"] * 3


def test_document_codes_fail_the_document_check():
    for code in (62101, 62201, 62301, 62399):
        assert outcomes(code) == (F, U, U), code
    assert review_checks([62301]).document.codes == (62301,)


def test_face_mismatch_and_liveness_fail_the_face_check_not_the_document():
    assert outcomes(62304) == (U, F, U)
    assert outcomes(62305) == (U, F, U)


def test_declared_identity_mismatch_fails_its_check():
    assert outcomes(62401) == (U, U, F)


def test_several_codes_fail_several_checks():
    assert outcomes(62301, 62304) == (F, F, U)


def test_a_failure_wins_over_an_approval_code():
    assert outcomes(10000, 62304) == (P, F, P)


def test_retry_codes_leave_every_check_undecided():
    checks = review_checks([61301, 61313])
    assert [check.outcome for check in checks] == [U, U, U]
    assert checks.retry_codes == (61301, 61313) and not checks.approved


def test_no_code_and_unknown_codes_decide_nothing():
    assert outcomes() == (U, U, U)
    checks = review_checks([63001, 99999])
    assert checks.other_codes == (63001, 99999)
    assert [check.outcome_label for check in checks] == ["Non déterminé"] * 3


def test_checks_and_codes_have_french_labels():
    checks = review_checks([62304])
    assert checks.face.label == "Correspondance du visage avec la photo de la pièce d'identité"
    assert checks.document.label == "Authenticité de la pièce d'identité"
    assert code_label(62304) == "Le visage ne correspond pas à la photo de la pièce d'identité"
    assert code_label(61999) == "Nouvelle tentative nécessaire (code 61999)"
    assert code_label(62888) == "Vérification refusée (code 62888)"
    assert code_label(12345) == "Code 12345"
