"""Login under attack: rate limits per account and per address, and identical failures."""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from app.extensions import db
from app.services.users import DECOY_HASH, create_user

PROJECT_ROOT = Path(__file__).resolve().parent.parent
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


# In a process of its own: the limiter is one object per process, and an app with
# a default limit would change the limits of the other tests' app.
DEFAULT_LIMIT_SCRIPT = """
from app import create_app
from config import TestConfig


class LimitedConfig(TestConfig):
    RATELIMIT_DEFAULT = "2/minute"
    RATELIMIT_STORAGE_URI = "memory://"


client = create_app(LimitedConfig).test_client()
print(",".join(str(client.get("/health").status_code) for _ in range(3)))
"""


def test_configured_default_limit_applies_to_every_route():
    result = subprocess.run(
        [sys.executable, "-c", DEFAULT_LIMIT_SCRIPT],
        cwd=PROJECT_ROOT,
        env={**os.environ, "SECRET_KEY": "x" * 48},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip().splitlines()[-1] == "200,200,429"


def test_rate_limit_keys_start_with_the_redis_prefix(app, client, account, redis_url):
    log_in(client, "kim@example.com", "wrong-password")
    connection = redis.Redis.from_url(redis_url)
    keys = [key.decode() for key in connection.scan_iter(match="*kim@example.com*")]
    connection.close()

    assert keys
    assert all(key.startswith(f"{app.config['REDIS_KEY_PREFIX']}:limits:") for key in keys)
