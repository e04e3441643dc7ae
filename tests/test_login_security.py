"""Login under attack: rate limits per account and per address, and identical failures."""

import statistics
import time

import pytest

from app.extensions import db
from app.services.users import DECOY_HASH, create_user

PASSWORD = "correct-horse-battery"
# Headers that legitimately differ between two responses.
# X-Request-ID is new for every request by design.
VARYING_HEADERS = {
    "Date",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
    "X-Request-ID",
}


@pytest.fixture
def account(app):
    with app.app_context():
        create_user("kim@example.com", PASSWORD, role="viewer")
        db.session.remove()


def log_in(client, email, password, **headers):
    return client.post(
        "/api/auth/login", json={"email": email, "password": password}, headers=headers
    )


def test_login_account_limit_is_429_after_ten_attempts(client, account):
    for _ in range(10):
        assert log_in(client, "kim@example.com", "wrong-password").status_code == 401

    response = log_in(client, "kim@example.com", PASSWORD)

    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert int(response.headers["Retry-After"]) > 0


def test_login_account_limit_ignores_email_case(client, account):
    for attempt in range(10):
        email = "KIM@example.com" if attempt % 2 else " kim@EXAMPLE.com"
        log_in(client, email, "wrong-password")

    response = log_in(client, "kim@example.com", PASSWORD)

    assert response.status_code == 429


def test_login_account_limit_leaves_other_accounts_alone(client, account):
    for _ in range(10):
        log_in(client, "someone-else@example.com", "wrong-password")

    response = log_in(client, "kim@example.com", PASSWORD)

    assert response.status_code == 200


def test_login_account_limit_applies_to_unknown_emails_alike(client):
    for _ in range(10):
        log_in(client, "nobody@example.com", "wrong-password")

    response = log_in(client, "nobody@example.com", "wrong-password")

    assert response.status_code == 429


def test_login_address_limit_is_429_across_accounts(client, account):
    for number in range(30):
        assert log_in(client, f"spray{number}@example.com", "wrong-password").status_code == 401

    response = log_in(client, "kim@example.com", PASSWORD)

    assert response.status_code == 429


def test_login_address_limit_ignores_forwarded_for(client, account):
    for number in range(30):
        log_in(
            client,
            f"spray{number}@example.com",
            "wrong-password",
            **{"X-Forwarded-For": f"203.0.113.{number}"},
        )

    response = log_in(client, "kim@example.com", PASSWORD, **{"X-Forwarded-For": "203.0.113.99"})

    assert response.status_code == 429


def test_login_deeply_nested_body_is_400(client):
    # The per-account key is read from the body before the view validates it.
    body = '{"email": ' + "[" * 100_000 + "]" * 100_000 + ', "password": "x"}'

    response = client.post("/api/auth/login", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_json"


def test_login_failures_are_identical(client, account):
    wrong_password = log_in(client, "kim@example.com", "wrong-password")
    unknown_email = log_in(client, "nobody@example.com", "wrong-password")

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.get_data() == unknown_email.get_data()
    assert {
        name: value for name, value in wrong_password.headers if name not in VARYING_HEADERS
    } == {name: value for name, value in unknown_email.headers if name not in VARYING_HEADERS}


def test_login_decoy_hash_uses_the_password_method():
    # The decoy costs what a real check costs only if it uses the same algorithm.
    assert DECOY_HASH.split("$")[0].startswith("scrypt:")


def median_login_seconds(client, email, attempts):
    durations = []
    for _ in range(attempts):
        started = time.perf_counter()
        log_in(client, email, "wrong-password")
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def test_login_failures_take_about_the_same_time(client, account):
    # Five attempts each stay under the per-account limit of ten a minute. The
    # margin is wide because the machine is shared. Without the decoy check the
    # unknown email would skip scrypt and be about 100 times faster.
    wrong_password = median_login_seconds(client, "kim@example.com", 5)
    unknown_email = median_login_seconds(client, "nobody@example.com", 5)

    assert 0.5 < unknown_email / wrong_password < 2.0
