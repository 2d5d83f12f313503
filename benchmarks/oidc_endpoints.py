"""Throughput of ISC's OpenID Connect endpoints under gunicorn on loopback.

    python benchmarks/oidc_endpoints.py [--workers 2] [--clients 4] [--duration 5]
                                        [--database-url postgresql+psycopg://...]

Serves ISC (`wsgi:app`) and a bare Flask app answering one JSON route, each under gunicorn with
the same sync workers, in the same run; hammers each endpoint for --duration seconds from
--clients processes (a new connection per request, as gunicorn's sync workers close them), and
prints requests per second of: the token endpoint (code exchange), refresh, userinfo,
introspection and JWKS, each as a ratio to the bare route.

The database is a fresh SQLite file (or --database-url, which must be an empty database the
script may migrate); codes and tokens are issued beforehand in it, so that each request of the
token phase redeems a real, unused code.
"""

import argparse
import base64
import http.client
import json
import multiprocessing
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask

ROOT = Path(__file__).resolve().parents[1]
CODE_BUDGET_PER_SECOND = 600  # codes issued beforehand per second of the token phase


def bare_app() -> Flask:
    """The reference: one Flask JSON route, nothing else."""
    app = Flask("bare")

    @app.get("/json")
    def hello():
        return {"status": "ok"}

    return app


# --- Load generation ----------------------------------------------------------------------------


def _request(port: int, method: str, path: str, body: str | None = None,
             headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _hammer(job: dict) -> tuple[int, int]:
    """One client process: requests until the deadline; returns (successes, failures)."""
    port, kind, deadline = job["port"], job["kind"], job["deadline"]
    done = failed = 0
    basic = job.get("basic", {})
    form = {"Content-Type": "application/x-www-form-urlencoded", **basic}
    codes = list(job.get("codes", []))
    refresh_token = job.get("refresh_token")
    while time.monotonic() < deadline:
        if kind == "bare":
            status, _ = _request(port, "GET", "/json")
        elif kind == "jwks":
            status, _ = _request(port, "GET", "/oidc/jwks")
        elif kind == "userinfo":
            status, _ = _request(port, "GET", "/oidc/userinfo",
                                 headers={"Authorization": f"Bearer {job['access_token']}"})
        elif kind == "introspection":
            status, _ = _request(port, "POST", "/oidc/introspect",
                                 urlencode({"token": job["access_token"]}), form)
        elif kind == "token":
            if not codes:
                break  # budget spent: count what was done
            body = urlencode({"grant_type": "authorization_code", "code": codes.pop(),
                              "redirect_uri": job["redirect_uri"]})
            status, _ = _request(port, "POST", "/oidc/token", body, form)
        elif kind == "refresh":
            body = urlencode({"grant_type": "refresh_token", "refresh_token": refresh_token})
            status, payload = _request(port, "POST", "/oidc/token", body, form)
            if status == 200:
                refresh_token = json.loads(payload)["refresh_token"]
        else:
            raise ValueError(kind)
        if status == 200:
            done += 1
        else:
            failed += 1
            if kind == "refresh":
                break  # the chain is broken
    return done, failed


def _measure(pool, jobs: list[dict], duration: float) -> tuple[float, int]:
    deadline = time.monotonic() + duration
    for job in jobs:
        job["deadline"] = deadline
    started = time.monotonic()
    results = pool.map(_hammer, jobs)
    elapsed = time.monotonic() - started
    return sum(done for done, _ in results) / elapsed, sum(failed for _, failed in results)


# --- Servers ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn(target: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
               "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
               target]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def _wait_ready(port: int, path: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", path)[0] < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start")


# --- Data ---------------------------------------------------------------------------------------


def _prepare(env: dict, codes_needed: int) -> dict:
    """Migrate the database and create what the requests need: a person, a service, codes,
    and one access token; keys are created on the way."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from isc import create_app, grants, oidc_keys, services
    from isc.auth_sessions import hash_token
    from isc.companies import get_or_create_company
    from isc.extensions import db
    from isc.models import AuthSession, Civility, IdentifierType, Role, User, UserStatus

    app = create_app()
    with app.app_context():
        upgrade()
        company, _ = get_or_create_company(IdentifierType.SIREN, "842915308", name="Banc d'essai",
                                           address="1 rue de la Paix, 75002 Paris")
        user = User(company=company, role=Role.SALARIE, status=UserStatus.ACTIVE,
                    username="banc.essai", email="banc.essai@example.fr", first_name="Banc",
                    last_name="Essai",
                    civility=Civility.MADAME, password_hash="unused")
        db.session.add(user)
        db.session.flush()
        redirect_uri = "https://service.example.fr/callback"
        service, secret = services.create_service(name="Banc d'essai", redirect_uris=[redirect_uri],
                                                  first_party=True)
        session = AuthSession(token_hash=hash_token(secrets.token_urlsafe(16)), user_id=user.id,
                              ip="127.0.0.1")
        db.session.add(session)
        db.session.flush()
        oidc_keys.ensure_keys()
        codes = []
        for _ in range(codes_needed):
            code = secrets.token_urlsafe(36)
            grants.record_code(code, service=service, user=user, auth_session=session,
                               redirect_uri=redirect_uri, scope="openid profile email isc",
                               nonce=None, code_challenge=None, code_challenge_method=None,
                               acr="urn:isc:acr:company-validated", amr=["pwd"])
            codes.append(code)
        db.session.commit()
        return {"client_id": service.client_id, "secret": secret, "redirect_uri": redirect_uri,
                "codes": codes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=None,
                        help="client processes (default 2 x workers)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per endpoint")
    parser.add_argument("--database-url",
                        help="an empty database to use instead of a fresh SQLite file")
    args = parser.parse_args()
    clients = args.clients or 2 * args.workers

    folder = Path(tempfile.mkdtemp(prefix="isc-bench-"))
    isc_port, bare_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "ISC_ENVIRONMENT": "development",
        "ISC_SECRET_KEY": secrets.token_urlsafe(32),
        "ISC_INSTANCE_PATH": str(folder),
        "ISC_DATABASE_URL": args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}",
        "ISC_BASE_URL": f"http://127.0.0.1:{isc_port}",
        "ISC_DEV_TOOLS": "false",
        "ISC_OIDC_AUTHORIZATION_CODE_TTL": "3600",  # codes are issued before the run
    }
    env.pop("ISC_REDIS_URL", None)
    data = _prepare(env, int(CODE_BUDGET_PER_SECOND * args.duration))
    basic = {"Authorization": "Basic " + base64.b64encode(
        f"{data['client_id']}:{data['secret']}".encode()).decode()}

    servers = [_gunicorn("wsgi:app", isc_port, args.workers, env),
               _gunicorn("benchmarks.oidc_endpoints:bare_app()", bare_port, args.workers, env)]
    try:
        _wait_ready(isc_port, "/healthz")
        _wait_ready(bare_port, "/json")
        codes = data["codes"]
        # Tokens for the userinfo, introspection and refresh phases, from the token endpoint.
        issued = []
        for _ in range(clients + 1):
            body = urlencode({"grant_type": "authorization_code", "code": codes.pop(),
                              "redirect_uri": data["redirect_uri"]})
            form = {"Content-Type": "application/x-www-form-urlencoded", **basic}
            status, payload = _request(isc_port, "POST", "/oidc/token", body, form)
            assert status == 200, payload
            issued.append(json.loads(payload))
        access_token = issued[0]["access_token"]
        common = {"basic": basic, "redirect_uri": data["redirect_uri"],
                  "access_token": access_token}

        def jobs(kind: str, port: int = isc_port) -> list[dict]:
            made = []
            for index in range(clients):
                job = {**common, "kind": kind, "port": port}
                if kind == "token":
                    job["codes"] = codes[index::clients]
                if kind == "refresh":
                    job["refresh_token"] = issued[index + 1]["refresh_token"]
                made.append(job)
            return made

        phases = [("bare Flask JSON route", "bare", bare_port), ("JWKS", "jwks", isc_port),
                  ("userinfo", "userinfo", isc_port),
                  ("introspection", "introspection", isc_port),
                  ("token (code exchange)", "token", isc_port),
                  ("token (refresh)", "refresh", isc_port)]
        results = {}
        with multiprocessing.get_context("fork").Pool(clients) as pool:
            _measure(pool, jobs("bare", bare_port), 1.0)  # warm-up
            _measure(pool, jobs("jwks"), 1.0)
            for label, kind, port in phases:
                results[label] = _measure(pool, jobs(kind, port), args.duration)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)

    database = "PostgreSQL" if args.database_url and "postgres" in args.database_url else "SQLite"
    print(f"ISC OpenID Connect endpoints, gunicorn {args.workers} sync worker(s), {clients} client "
          f"processes, {args.duration:g} s per endpoint, {database}, {os.cpu_count()} CPU(s)")
    bare = results["bare Flask JSON route"][0]
    print(f"{'endpoint':<24} {'req/s':>9} {'ratio to bare':>14} {'errors':>7}")
    for label, (rate, errors) in results.items():
        print(f"{label:<24} {rate:>9.1f} {rate / bare:>14.2f} {errors:>7}")


if __name__ == "__main__":
    main()
