"""The stand-in's webhooks: real, signed HTTP POSTs, sent from a background thread.

Why not inside the request that caused them: the webhook URL is usually ISC itself, served by
the same process. On a single-threaded server (one gunicorn sync worker, `flask run
--without-threads`) a synchronous POST to ourselves would wait for a request that can only be
served once the current one is finished: a deadlock. So the request only queues the events; a
thread per destination sends them in order, after the response, like the partner would.

Each delivery is tried three times (the partner retries twice), with a short timeout.
"""

import json
import logging
import os
import queue
import threading
import time

import requests

from isc.identity.signature import HEADER, sign
from isc.identity.standin.flow import Outgoing
from isc.identity.standin.store import StandInStore

log = logging.getLogger(__name__)

TIMEOUT = 5  # seconds per POST
RETRY_DELAYS = (1, 3)  # seconds before the second and third tries
IDLE_SECONDS = 30  # a destination's thread ends after this long with nothing to send


class _Lane:
    """One destination's queue and the thread that empties it."""

    def __init__(self, url: str, store: StandInStore):
        self.url = url
        self.store = store
        self.queue: queue.Queue[dict] = queue.Queue()
        self.thread = threading.Thread(
            target=self._run, name=f"ubble-standin-webhooks {url}", daemon=True
        )
        self.pid = os.getpid()

    def _run(self) -> None:
        while True:
            try:
                event = self.queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with _lock:
                    if self.queue.empty():
                        _lanes.pop(self.url, None)
                        return
                continue
            try:
                deliver(self.url, event, self.store)
            except Exception:  # a background thread must not die silently on a bug
                log.exception("Stand-in: webhook %s to %s failed", event.get("id"), self.url)


_lock = threading.Lock()
_lanes: dict[str, _Lane] = {}


def send(outgoing: list[Outgoing], store: StandInStore) -> None:
    """Queue the events for sending, in order, per destination; returns at once."""
    with _lock:
        for item in outgoing:
            lane = _lanes.get(item.webhook_url)
            if lane is None or lane.pid != os.getpid() or not lane.thread.is_alive():
                lane = _lanes[item.webhook_url] = _Lane(item.webhook_url, store)
                lane.thread.start()
            lane.queue.put(item.event)


def deliver(url: str, event: dict, store: StandInStore) -> bool:
    """POST one signed event, with retries; True once the receiver answered 2xx."""
    private_key, key_id = store.webhook_key()
    body = json.dumps(event, separators=(",", ":")).encode()
    problem = ""
    for delay in (0, *RETRY_DELAYS):
        time.sleep(delay)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "ISC-Ubble-stand-in",
            HEADER: sign(body, private_key, key_id),
        }
        try:
            response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT)
        except requests.RequestException as error:
            problem = str(error)
        else:
            if 200 <= response.status_code < 300:
                log.info("Stand-in: webhook %s %s delivered to %s", event["type"], event["id"], url)
                return True
            problem = f"HTTP {response.status_code}"
        log.warning("Stand-in: webhook %s to %s not delivered: %s", event["id"], url, problem)
    return False
