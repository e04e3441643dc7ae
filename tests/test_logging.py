"""Structured logs: JSON lines, request ids, access lines, and no secrets."""

import json
import logging

import pytest

from app import create_app
from app.observability.log_format import text_formatter
from app.observability.request_context import request_id_from
from tests.conftest import make_config

PASSWORD = "logged-password-never-9"


@pytest.fixture
def logged_app(app, database_url, capsys):
    """Return a function that creates an app logging JSON to the captured stdout.

    Keyword arguments override settings. The app's log handler is removed after
    the test, so that later tests do not write to this test's closed capture.
    """

    def make(**overrides):
        application = create_app(make_config(database_url, **overrides))

        @application.get("/test/boom/<int:number>")
        def boom(number):
            raise RuntimeError(f"boom {number}")

        return application

    yield make
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "is_app_handler", False)]:
        root.removeHandler(handler)


def log_lines(capsys):
    """Return the captured stdout lines parsed as JSON; fail on a line that is not JSON."""
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


def access_lines(lines):
    return [line for line in lines if line["logger"] == "app.access"]


def test_log_lines_are_json_with_required_fields(logged_app, capsys):
    client = logged_app().test_client()
    capsys.readouterr()

    client.get("/health")

    line = access_lines(log_lines(capsys))[0]
    assert line["level"] == "INFO"
    assert line["message"].startswith("GET /health 200")
    assert line["timestamp"].endswith("+00:00")
    assert line["requestId"]


def test_request_id_is_echoed_from_header(logged_app, capsys):
    client = logged_app().test_client()

    response = client.get("/health", headers={"X-Request-ID": "abc-123.def"})

    assert response.headers["X-Request-ID"] == "abc-123.def"
    assert access_lines(log_lines(capsys))[-1]["requestId"] == "abc-123.def"


def test_request_id_is_generated_when_missing(logged_app):
    client = logged_app().test_client()

    first = client.get("/health").headers["X-Request-ID"]
    second = client.get("/health").headers["X-Request-ID"]

    assert len(first) == 32
    assert first != second


@pytest.mark.parametrize(
    "header",
    ["has space", 'quote"d', "x" * 201, "-leading-dash", "new\nline", "ünïcode"],
    ids=["space", "quote", "too long", "leading dash", "newline", "non-ascii"],
)
def test_insane_request_id_is_replaced(header):
    assert request_id_from(header) != header


def test_access_line_uses_route_template(logged_app, capsys, make_user, make_client_record):
    user, auth = make_user()
    record = make_client_record()
    client = logged_app().test_client()
    capsys.readouterr()

    client.get(f"/api/clients/{record['id']}", headers=auth)

    line = access_lines(log_lines(capsys))[-1]
    assert line["route"] == "/api/clients/<uuid:client_id>"
    assert record["id"] not in line["message"]
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert line["userId"] == str(user.id)
    assert line["durationMs"] >= 0
    assert line["responseBytes"] > 0


def test_unmatched_path_shares_one_route_label(logged_app, capsys):
    client = logged_app().test_client()
    capsys.readouterr()

    client.get("/no/such/path/12345")

    assert access_lines(log_lines(capsys))[-1]["route"] == "<unmatched>"


def test_slow_request_logs_warning_with_sql_counts(logged_app, capsys, auth):
    client = logged_app(LOG_SLOW_REQUEST_MS=0).test_client()
    capsys.readouterr()

    client.get("/api/clients", headers=auth)

    line = access_lines(log_lines(capsys))[-1]
    assert line["level"] == "WARNING"
    assert line["sqlStatements"] >= 2
    assert line["sqlMs"] > 0


def test_fast_request_has_no_sql_counts(logged_app, capsys, auth):
    client = logged_app(LOG_SLOW_REQUEST_MS=60_000).test_client()
    capsys.readouterr()

    client.get("/api/clients", headers=auth)

    line = access_lines(log_lines(capsys))[-1]
    assert line["level"] == "INFO"
    assert "sqlStatements" not in line


def test_error_logs_stack_trace_and_request_id(logged_app, capsys):
    client = logged_app().test_client()
    capsys.readouterr()

    response = client.get("/test/boom/7", headers={"X-Request-ID": "boom-request-7"})

    errors = [line for line in log_lines(capsys) if line["level"] == "ERROR"]
    assert response.status_code == 500
    assert response.get_json()["error"]["requestId"] == "boom-request-7"
    assert "RuntimeError: boom 7" not in response.get_data(as_text=True)
    assert errors[0]["requestId"] == "boom-request-7"
    assert "Traceback" in errors[0]["exc_info"]
    assert "RuntimeError: boom 7" in errors[0]["exc_info"]


def test_secrets_never_reach_the_log(logged_app, capsys, make_user):
    make_user(email="secret@example.com", password=PASSWORD)
    client = logged_app(LOG_LEVEL="DEBUG", LOG_SLOW_REQUEST_MS=0).test_client()
    capsys.readouterr()

    login = client.post(
        "/api/auth/login", json={"email": "secret@example.com", "password": PASSWORD}
    )
    token = login.get_json()["token"]
    client.get("/api/clients", headers={"Authorization": f"Bearer {token}"})
    client.post("/api/auth/login", json={"email": "secret@example.com", "password": "wrong-pw-1"})
    client.get("/api/clients", headers={"Authorization": "Bearer forged-token-value"})
    client.get("/api/clients", headers={"Cookie": "session=cookie-secret-value"})
    output = capsys.readouterr().out

    assert login.status_code == 200
    assert PASSWORD not in output
    assert "wrong-pw-1" not in output
    assert token not in output
    assert "forged-token-value" not in output
    assert "cookie-secret-value" not in output
    assert "Authorization" not in output


def test_text_format_is_readable(logged_app, capsys):
    client = logged_app(LOG_FORMAT="text").test_client()
    capsys.readouterr()

    client.get("/health", headers={"X-Request-ID": "text-line-1"})

    line = capsys.readouterr().out.splitlines()[-1]
    assert "INFO app.access [text-line-1]: GET /health 200" in line


def test_unknown_log_format_fails_at_startup(database_url):
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        create_app(make_config(database_url, LOG_FORMAT="yaml"))


def test_sql_counts_restart_with_each_request(logged_app, capsys, auth):
    client = logged_app(LOG_SLOW_REQUEST_MS=0).test_client()
    # The token's first use also records its last use.
    client.get("/api/clients", headers=auth)
    client.get("/api/clients", headers=auth)
    first = access_lines(log_lines(capsys))[-1]

    client.get("/api/clients", headers=auth)

    second = access_lines(log_lines(capsys))[-1]
    assert second["sqlStatements"] == first["sqlStatements"]


def test_line_with_lone_surrogate_is_still_json(logged_app, capsys):
    logged_app()
    capsys.readouterr()

    logging.getLogger("app.test").warning("unreadable name %s", "bad\ud800name")

    line = log_lines(capsys)[-1]
    assert line["message"] == "unreadable name bad\ud800name"


def test_text_format_without_request_id():
    # gunicorn's own records reach the formatter without the request filter.
    record = logging.LogRecord("gunicorn.error", logging.INFO, __file__, 1, "Booting", None, None)

    line = text_formatter().format(record)

    assert line.endswith("gunicorn.error [None]: Booting")
