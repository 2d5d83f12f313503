"""How many partner webhooks ISC accepts per second, against baselines measured in the same run.

    python benchmarks/webhook_acceptance.py [--events 400] [--database-url URL] [--redis-url URL]

Accepting a webhook = checking its P-521/SHA-512 signature on the raw body, storing the event
once and enqueuing its processing (with --redis-url, on a real RQ queue; without, the queue is
left out so that the partner is not called inline). Prints events per second through the real
route (Flask test client, one process), and two baselines: a bare Flask JSON route served the
same way, and the signature check alone; then the ratios.
"""

import argparse
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from isc import create_app  # noqa: E402
from isc.identity import signature  # noqa: E402


def signed_events(private_key, count: int) -> list[tuple[bytes, str]]:
    events = []
    for _ in range(count):
        body = json.dumps({
            "specversion": "1.0", "type": "identity_verification_checks_completed",
            "id": f"evnt_{uuid.uuid4().hex}", "subject": "idv_bench",
            "data": {"identity_verification_id": "idv_bench", "status": "approved",
                     "response_codes": [{"code": 10000, "summary": "approved"}]},
        }).encode()
        events.append((body, signature.sign(body, private_key, "bench-key")))
    return events


def rate(count: int, run) -> float:
    start = time.perf_counter()
    for index in range(count):
        run(index)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="isc-bench-"))
    private_key = signature.generate_private_key()
    app = create_app({
        "SECRET_KEY": "benchmark", "DATABASE_URL": args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}",
        "REDIS_URL": args.redis_url, "UBBLE_WEBHOOK_PUBLIC_KEY": signature.public_key_pem(private_key),
        "UBBLE_STANDIN_STORE": str(scratch / "standin.sqlite3"), "KBIS_UPLOAD_FOLDER": str(scratch / "kbis"),
    })
    with app.app_context():
        upgrade()
    if not args.redis_url:
        import isc.identity_checks

        isc.identity_checks.enqueue = lambda *a, **k: None  # measure acceptance, not processing

    warm_up = 20  # first requests compile templates and fill caches: not measured
    events = signed_events(private_key, args.events + warm_up)
    client = app.test_client()

    def accept(index: int) -> None:
        body, header = events[index]
        response = client.post("/partenaires/ubble/webhook", data=body,
                               headers={"Cko-Signature": header, "Content-Type": "application/json"})
        assert response.status_code == 200, response.get_data(as_text=True)

    bare = Flask("bare")
    bare.add_url_rule("/json", "json", lambda: {"ok": True}, methods=["POST"])
    bare_client = bare.test_client()
    keys = [private_key.public_key()]

    for index in range(args.events, args.events + warm_up):
        accept(index)
        bare_client.post("/json", data=events[index][0])
    accepted = rate(args.events, accept)
    bare_rate = rate(args.events, lambda i: bare_client.post("/json", data=events[i][0]))
    verify_rate = rate(args.events, lambda i: signature.verify(events[i][1], events[i][0], keys, max_age=300))

    print(f"webhooks accepted           {accepted:8.0f} /s  ({args.events} events, "
          f"{'RQ queue' if args.redis_url else 'no queue'}, {app.config['DATABASE_URL'].split(':')[0]})")
    print(f"bare Flask JSON route       {bare_rate:8.0f} /s  ratio {accepted / bare_rate:.3f}")
    print(f"signature check alone       {verify_rate:8.0f} /s  ratio {accepted / verify_rate:.3f}")


if __name__ == "__main__":
    main()
