"""Security headers on every response, and CORS limited to the configured origins."""

import pytest

from app import create_app
from tests.conftest import make_config

ALLOWED_ORIGIN = "https://ats.example.com"


@pytest.fixture
def cors_client(database_url):
    """A client of an app that allows ALLOWED_ORIGIN only."""
    app = create_app(make_config(database_url, CORS_ALLOWED_ORIGINS=[ALLOWED_ORIGIN]))
    return app.test_client()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/clients"),
        ("POST", "/api/auth/login"),
        ("GET", "/api/nowhere"),
        ("GET", "/health"),
        ("GET", "/openapi.json"),
    ],
)
def test_headers_on_every_response(client, method, path):
    response = client.open(path, method=method)

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_headers_api_responses_are_not_cached(client, auth):
    response = client.get("/api/clients", headers=auth)

    assert response.headers["Cache-Control"] == "no-store"


def test_headers_docs_page_may_load_swagger_ui(client):
    response = client.get("/docs")

    assert "https://cdn.jsdelivr.net" in response.headers["Content-Security-Policy"]


def test_headers_hsts_only_when_configured(client, database_url):
    hsts_app = create_app(make_config(database_url, HSTS_MAX_AGE_S=31536000))

    with_hsts = hsts_app.test_client().get("/health")
    without_hsts = client.get("/health")

    assert with_hsts.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in without_hsts.headers


def test_cors_allowed_origin_gets_access(cors_client):
    response = cors_client.get("/health", headers={"Origin": ALLOWED_ORIGIN})

    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_cors_other_origin_gets_no_access(cors_client):
    response = cors_client.get("/health", headers={"Origin": "https://evil.example.net"})

    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_preflight_allows_authorization_header(cors_client):
    response = cors_client.options(
        "/api/clients",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()


def test_cors_default_allows_no_origin(client):
    response = client.get("/health", headers={"Origin": ALLOWED_ORIGIN})

    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_preflights_do_not_count_as_login_attempts(cors_client):
    preflight = {"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST"}
    for _ in range(31):
        cors_client.options("/api/auth/login", headers=preflight)

    response = cors_client.post(
        "/api/auth/login", json={"email": "nobody@example.com", "password": "wrong-password"}
    )

    assert response.status_code == 401
