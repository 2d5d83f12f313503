"""Fixtures of the identity-partner tests: ISC and its stand-in served over real HTTP.

`live_standin` serves a test ISC app (stand-in included) with werkzeug on a free loopback
port, in a thread, and points BASE_URL at it; `ubble` is the client built from that app's
settings; `webhook_receiver` is a second tiny server that keeps the webhooks it receives;
`fake_partner(handler)` serves any answer, to test the client's error handling.
"""

import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
import requests
from werkzeug.wrappers import Request, Response

from isc import create_app
from isc.identity.client import UbbleClient, from_config
from tests.conftest import serve

DECLARED_NAME = "Pierre-François Durand"


@pytest.fixture
def standin_config(app_config, tmp_path) -> dict:
    """Settings of the app serving the stand-in: the suite's, with a store of the test's own."""
    return {**app_config, "UBBLE_STANDIN_STORE": str(tmp_path / "ubble-standin.sqlite3")}


@pytest.fixture
def standin_app(standin_config):
    return create_app(standin_config)


@pytest.fixture
def live_standin(standin_app) -> Iterator[str]:
    """The stand-in's app served over HTTP, BASE_URL set to where it listens; yields that URL."""
    with serve(standin_app) as url:
        standin_app.config["BASE_URL"] = url
        yield url


@pytest.fixture
def ubble(standin_app, live_standin) -> UbbleClient:
    return from_config(standin_app)


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    """A WSGI app that keeps every request sent to its own path and answers `status`.

    The path is unique to the test: the stand-in of an earlier test may still be retrying a
    delivery to a port the system has since given to this receiver.
    """

    def __init__(self):
        self.received: list[Received] = []
        self.status = 200
        self.url = ""
        self.path = f"/webhooks/ubble/{uuid.uuid4().hex}"
        self._condition = threading.Condition()

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path != self.path:
            return Response(status=404)(environ, start_response)
        with self._condition:
            self.received.append(Received(dict(request.headers), request.get_data()))
            self._condition.notify_all()
        return Response(status=self.status)(environ, start_response)

    def wait_for(self, event_type: str, timeout: float = 15) -> Received:
        """The first webhook of `event_type`, waiting for it if need be."""
        with self._condition:
            found = self._condition.wait_for(lambda: self._find(event_type), timeout)
        assert found, f"no {event_type} webhook; received: {[self._type(r) for r in self.received]}"
        return found

    def types(self) -> list[str]:
        with self._condition:
            return [self._type(r) for r in self.received]

    def _find(self, event_type: str) -> Received | None:
        return next((r for r in self.received if self._type(r) == event_type), None)

    @staticmethod
    def _type(received: Received) -> str:
        match = re.search(rb'"type":"([^"]+)"', received.body)
        return match.group(1).decode() if match else "?"


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    with serve(receiver) as url:
        receiver.url = url + receiver.path
        yield receiver


@pytest.fixture
def fake_partner() -> Iterator[Callable[[Callable[[Request], Response]], str]]:
    """`fake_partner(handler)`: serve `handler(request) -> Response`; returns the base URL."""
    with ExitStack() as stack:

        def start(handler: Callable[[Request], Response]) -> str:
            return stack.enter_context(serve(Request.application(handler)))

        yield start


@pytest.fixture
def start_verification(ubble, webhook_receiver):
    """`start_verification()`: applicant, verification and attempt; returns (idv id, URL)."""

    def start(
        name: str = DECLARED_NAME, redirect_url: str = "http://isc.example/inscription/retour"
    ):
        applicant_id = ubble.create_applicant("registration-42", "pf.durand@example.fr")
        idv_id = ubble.create_identity_verification(
            applicant_id, name, redirect_url, webhook_receiver.url
        )
        return idv_id, ubble.create_attempt(idv_id, redirect_url)

    return start


class Browser:
    """A person's browser on the hosted page (cookies kept, redirects not followed)."""

    def __init__(self):
        self.session = requests.Session()

    def get(self, url: str) -> requests.Response:
        return self.session.get(url, allow_redirects=False, timeout=10)

    def choose(self, url: str, decision: str, **fields) -> requests.Response:
        """Open the page, then press the tester button `decision` with the page's defaults."""
        page = self.get(url)
        assert page.status_code == 200, page.text
        values = {
            "document_type": "ID",
            "issuing_country": "FRA",
            "first_names": value_of(page.text, "first_names"),
            "last_name": value_of(page.text, "last_name"),
            "birth_date": "1980-01-01",
            "decline_code": "62101",
            "retry_code": "61301",
            **fields,
        }
        data = {"csrf_token": value_of(page.text, "csrf_token"), "decision": decision, **values}
        return self.session.post(url, data=data, allow_redirects=False, timeout=10)


def value_of(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, f"no {name} in the page"
    return match.group(1).replace("&#39;", "'").replace("&amp;", "&")


@pytest.fixture
def browser() -> Browser:
    return Browser()


@pytest.fixture
def live_standin_with_credentials(standin_config) -> Iterator[tuple]:
    """A stand-in that requires HTTP Basic credentials (and an app whose client sends them)."""
    app = create_app({**standin_config, "UBBLE_CLIENT_ID": "isc", "UBBLE_CLIENT_SECRET": "s3cret"})
    with serve(app) as url:
        app.config["BASE_URL"] = url
        yield app, url
