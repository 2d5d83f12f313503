"""The stand-in's store is one file: every process of the machine sees the same state."""

import subprocess
import sys
import textwrap

from isc.identity.signature import public_key_pem
from isc.identity.standin.store import StandInStore


def test_another_process_sees_the_records_and_the_key(tmp_path):
    path = tmp_path / "standin.sqlite3"
    here = StandInStore(path)
    with here.transaction() as records:
        records.put("verification", "idv_1", {"status": "approved"})

    script = textwrap.dedent(f"""
        from pathlib import Path
        from isc.identity.signature import public_key_pem
        from isc.identity.standin.store import StandInStore
        store = StandInStore(Path({str(path)!r}))
        print(store.get("verification", "idv_1")["status"])
        with store.transaction() as records:
            records.put("verification", "idv_2", {{"status": "declined"}})
        print(public_key_pem(store.webhook_key()[0]), end="")
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    status, pem = result.stdout.split("\n", 1)

    assert status == "approved"
    assert here.get("verification", "idv_2") == {"status": "declined"}
    assert public_key_pem(here.webhook_key()[0]) == pem  # generated once, over there


def test_a_failed_change_leaves_nothing_behind(tmp_path):
    store = StandInStore(tmp_path / "standin.sqlite3")
    try:
        with store.transaction() as records:
            records.put("verification", "idv_1", {"status": "approved"})
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert store.get("verification", "idv_1") is None
