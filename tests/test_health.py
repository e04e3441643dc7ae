"""Deploy probes: /health never touches the database, /ready does."""

from app import create_app
from tests.conftest import make_config

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/none"


def test_health_is_200_without_token(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_ready_is_200_with_database(client):
    response = client.get("/ready")

    assert response.status_code == 200


def test_health_is_200_while_database_is_down():
    app = create_app(make_config(UNREACHABLE))

    response = app.test_client().get("/health")

    assert response.status_code == 200


def test_ready_is_503_while_database_is_down():
    app = create_app(make_config(UNREACHABLE))

    response = app.test_client().get("/ready")

    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"


def test_openapi_document_is_public(client):
    response = client.get("/openapi.json")

    assert response.status_code == 200
    paths = response.get_json()["paths"]
    assert "/api/jobs/{job_id}/candidates" in paths
    assert "/api/auth/login" in paths


def test_openapi_document_declares_bearer_auth(client):
    spec = client.get("/openapi.json").get_json()

    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/api/auth/login"]["post"]["security"] == []
