"""What the stand-in's API answers: its records as the partner shows them, with `_links`.

The records keep a few fields of the stand-in's own (the current attempt's token, the last
event); the answers leave them out and add the links the partner gives, built on the
stand-in's public URL (BASE_URL + UBBLE_STANDIN_PREFIX) at the time of the request.
"""


def applicant_json(applicant: dict, public_url: str) -> dict:
    return {
        **applicant,
        "_links": {"self": {"href": f"{public_url}/v2/applicants/{applicant['id']}"}},
    }


def verification_json(verification: dict, public_url: str) -> dict:
    internal = {"current_attempt", "last_event_id", "external_applicant_id"}
    answer = {key: value for key, value in verification.items() if key not in internal}
    if answer["face"] is None:
        del answer["face"]
    links = {
        "self": {"href": f"{public_url}/v2/identity-verifications/{verification['id']}"},
        "applicant": {"href": f"{public_url}/v2/applicants/{verification['applicant_id']}"},
    }
    if verification["current_attempt"]:
        links["verification_url"] = {
            "href": verification_url(public_url, verification["current_attempt"]["token"])
        }
    return {**answer, "_links": links}


def attempt_json(attempt: dict, public_url: str) -> dict:
    internal = {"token", "identity_verification_id"}
    answer = {key: value for key, value in attempt.items() if key not in internal}
    idv_url = f"{public_url}/v2/identity-verifications/{attempt['identity_verification_id']}"
    self_url = f"{idv_url}/attempts/{attempt['id']}"
    return {
        **answer,
        "_links": {
            "self": {"href": self_url},
            "verification_url": {"href": verification_url(public_url, attempt["token"])},
        },
    }


def verification_url(public_url: str, token: str) -> str:
    return f"{public_url}/parcours/{token}"
