"""The stand-in's memory: one small SQLite file, shared by every process of one machine.

Development runs one or several processes (gunicorn workers, `flask run`, the worker): they all
see the same applicants, verifications and webhook key, and all survive a restart. Each change
runs in an IMMEDIATE transaction, so two processes never interleave a read-modify-write.
Records are JSON documents keyed by (kind, id); the stand-in needs no schema beyond that.
"""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from isc.identity.signature import generate_private_key

KEY_ID = "isc-standin-v1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
)
"""


class Records:
    """The records as seen inside one transaction."""

    def __init__(self, connection: sqlite3.Connection):
        self._connection = connection

    def get(self, kind: str, record_id: str) -> dict | None:
        row = self._connection.execute(
            "SELECT body FROM records WHERE kind = ? AND id = ?", (kind, record_id)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, kind: str, record_id: str, record: dict) -> None:
        self._connection.execute(
            "INSERT OR REPLACE INTO records (kind, id, body) VALUES (?, ?, ?)",
            (kind, record_id, json.dumps(record)),
        )


class StandInStore:
    def __init__(self, path: Path):
        self.path = path
        self._ready = False

    @contextmanager
    def transaction(self) -> Iterator[Records]:
        """A write transaction: committed at the end of the block, rolled back on error."""
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield Records(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        finally:
            connection.close()

    def get(self, kind: str, record_id: str) -> dict | None:
        with self.transaction() as records:
            return records.get(kind, record_id)

    def webhook_key(self) -> tuple[ec.EllipticCurvePrivateKey, str]:
        """The stand-in's P-521 signing key and its key id, generated on first use."""
        with self.transaction() as records:
            saved = records.get("key", "webhook")
            if saved is None:
                pem = (
                    generate_private_key()
                    .private_bytes(
                        serialization.Encoding.PEM,
                        serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption(),
                    )
                    .decode()
                )
                saved = {"private_key": pem, "key_id": KEY_ID}
                records.put("key", "webhook", saved)
        return (
            serialization.load_pem_private_key(saved["private_key"].encode(), None),
            saved["key_id"],
        )

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            self.path, timeout=30, isolation_level=None, check_same_thread=False
        )
        connection.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable enough for a stand-in
        if not self._ready:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(_SCHEMA)
            self._ready = True
        return connection
