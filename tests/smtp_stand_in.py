"""A real SMTP server on loopback for the tests, that can be stopped and started again."""

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Keeper:
    def __init__(self, received: list[EmailMessage]):
        self.received = received

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(message)
        return "250 Message accepted for delivery"


class SMTPStandIn:
    """`start()`, `stop()`, `received` (parsed messages); the port stays the same."""

    def __init__(self):
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self._controller: Controller | None = None

    @property
    def settings(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port}

    def start(self) -> None:
        self._controller = Controller(_Keeper(self.received), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
