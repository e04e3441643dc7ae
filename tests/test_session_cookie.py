"""The /ws session cookie: set by a login that requests it, dropped by logout."""

import pytest

from app.extensions import db
from app.realtime.session_cookie import origin_allowed
from app.services.users import create_user

PASSWORD = "cookie-login-password-1"
COOKIE = "ats_ws_session"


@pytest.fixture
def account(app):
    with app.app_context():
        create_user("cookie@example.com", PASSWORD, role="recruiter")
        db.session.remove()


def log_in(client, **extra):
    return client.post(
        "/api/auth/login", json={"email": "cookie@example.com", "password": PASSWORD, **extra}
    )


def test_login_with_session_sets_ws_cookie(client, account):
    response = log_in(client, session=True)

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}={response.get_json()['token']};")
    assert "HttpOnly" in cookie
    assert "Path=/ws" in cookie
    assert "SameSite=Strict" in cookie


def test_login_without_session_sets_no_cookie(client, account):
    response = log_in(client)

    assert "Set-Cookie" not in response.headers


def test_login_with_session_false_sets_no_cookie(client, account):
    response = log_in(client, session=False)

    assert "Set-Cookie" not in response.headers


def test_login_session_must_be_boolean(client, account):
    response = log_in(client, session="sometimes")

    assert response.status_code == 422


def test_logout_drops_ws_cookie(client, account):
    token = log_in(client, session=True).get_json()["token"]

    response = client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=;")
    assert "Max-Age=0" in cookie


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),
        ("https://api.example.com", True),
        ("https://api.example.com:443", True),
        ("https://API.example.com", True),
        ("https://app.example.com", True),
        # A plain-HTTP page on port 80 of the same host is another origin.
        ("http://api.example.com", False),
        ("https://api.example.com:8443", False),
        ("wss://api.example.com", False),
        ("https://evil@api.example.com", False),
        ("https://api.example.com/", False),
        ("https://attacker.example", False),
        ("https://api.example.com.attacker.example", False),
        ("https://app.example.com:8443", False),
        ("null", False),
        ("", False),
    ],
)
def test_origin_allowed_for_session_cookie(origin, allowed):
    config = {"CORS_ALLOWED_ORIGINS": ["https://app.example.com"]}

    assert origin_allowed(origin, "https", "api.example.com", config) is allowed


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://127.0.0.1:8000", True),
        ("https://127.0.0.1:8000", False),
        ("http://127.0.0.1", False),
        ("http://localhost:8000", False),
    ],
)
def test_origin_allowed_compares_scheme_and_port(origin, allowed):
    config = {"CORS_ALLOWED_ORIGINS": []}

    assert origin_allowed(origin, "http", "127.0.0.1:8000", config) is allowed
