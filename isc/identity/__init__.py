"""The identity-verification partner: Ubble (Checkout.com Identity Verification API v2).

A mandataire films an ID document and their face on the partner's site; the partner checks
them and calls ISC back. This package knows the partner, not ISC's registrations:

- `client`: the API v2 client (`from_config(app)`), `PartnerError`;
- `signature`: the webhooks' `Cko-Signature` (`verify_webhook`, `sign`);
- `webhook`: the webhooks' CloudEvents body (`parse_event`);
- `checks`: response codes read as the ANS reviewer's three checks (`review_checks`);
- `codes`: statuses, event types, response codes and their French wording;
- `standin`: a local imitation of the partner for development and tests, never in production.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the local stand-in where it is allowed; say what production is missing."""
    from isc.identity import standin

    standin.init_app(app)
    if app.config["ENVIRONMENT"] == "production":
        for name in ("UBBLE_API_URL", "UBBLE_WEBHOOK_PUBLIC_KEY"):
            if not app.config.get(name):
                app.logger.warning("%s is not set: identity verification cannot work.", name)
