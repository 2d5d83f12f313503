"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0): the job that POSTs a signed
logout token to a service's back-channel logout URI.

`isc.grants` records a `LogoutDelivery` and enqueues `deliver_logout(delivery_id)` after the
commit. The job is idempotent: a delivery already made is not made again. A failure raises, so
that RQ retries it (OIDC_BACKCHANNEL_LOGOUT_RETRY_DELAYS); inline, it is tried once.
"""

import logging
import urllib.error
import urllib.parse
import urllib.request

from flask import current_app

from isc.extensions import db
from isc.jobs import job
from isc.models import LogoutDelivery
from isc.models.types import utcnow
from isc.oidc import id_tokens

log = logging.getLogger(__name__)


class DeliveryFailed(RuntimeError):
    """The service did not acknowledge the logout token."""


@job
def deliver_logout(delivery_id: int) -> None:
    """Send the logout token of delivery `delivery_id` to its service."""
    delivery = db.session.get(LogoutDelivery, delivery_id)
    if delivery is None or delivery.delivered_at is not None:
        return
    service = delivery.service
    token = id_tokens.logout_token(service, delivery.user, delivery.sid)
    delivery.attempts += 1
    try:
        _post(service.backchannel_logout_uri, token)
    except DeliveryFailed as error:
        delivery.last_error = str(error)[:1000]
        db.session.commit()
        log.warning("Back-channel logout of %s to %s failed: %s", delivery.sid,
                    service.client_id, error)
        raise
    delivery.delivered_at = utcnow()
    delivery.last_error = None
    db.session.commit()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an unexpected answer, not a place to send the token to


_OPENER = urllib.request.build_opener(_NoRedirects)


def _post(url: str, logout_token: str) -> None:
    body = urllib.parse.urlencode({"logout_token": logout_token}).encode()
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cache-Control": "no-store"},
    )
    timeout = current_app.config["OIDC_BACKCHANNEL_LOGOUT_TIMEOUT"]
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryFailed(str(getattr(error, "reason", error))) from None
    if status not in (200, 204):
        raise DeliveryFailed(f"HTTP {status}")
