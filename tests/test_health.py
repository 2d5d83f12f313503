"""`/healthz`: load balancers ask each app server whether it can work (database, Redis)."""

import pytest

from isc import create_app


def test_healthy_server_answers_200_with_its_checks(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    expected_redis = "ok" if app.config["REDIS_URL"] else "not configured"
    assert body["checks"]["redis"] == expected_redis


@pytest.fixture
def no_redis(app_config):
    app_config["REDIS_URL"] = None


def test_without_redis_the_check_says_not_configured_and_stays_healthy(no_redis, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["redis"] == "not configured"


def health_of(app_config: dict, **broken) -> tuple[int, dict, str]:
    """/healthz of an app whose settings are `app_config` with some dependency broken."""
    app = create_app({**app_config, **broken})
    with app.app_context():  # an app of its own: the `app` fixture would clean up through it
        response = app.test_client().get("/healthz")
    return response.status_code, response.get_json(), response.get_data(as_text=True)


@pytest.mark.parametrize(
    "database_url",
    [
        # Nothing listens on port 1.
        "postgresql+psycopg://isc:secret-password@127.0.0.1:1/isc?connect_timeout=2",
        "sqlite:////nonexistent-isc-directory/isc.sqlite3",
    ],
    ids=["postgresql-closed-port", "sqlite-missing-directory"],
)
def test_unreachable_database_answers_503(database_url, app_config):
    status, body, text = health_of(app_config, DATABASE_URL=database_url, REDIS_URL=None)
    assert status == 503
    assert body["status"] == "error"
    assert body["checks"]["database"] == "error: OperationalError"
    assert body["checks"]["redis"] == "not configured"
    assert "secret-password" not in text and "nonexistent-isc-directory" not in text


def test_unreachable_redis_answers_503(app_config):
    status, body, _ = health_of(app_config, REDIS_URL="redis://127.0.0.1:1/0")
    assert status == 503
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error: ")
