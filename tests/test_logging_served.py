"""Access lines of a real gunicorn gevent server under concurrent requests."""

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import websocket

from app.extensions import db
from app.services.users import create_user
from tests.served import gunicorn_server, request

PASSWORD = "logged-served-password-1"
CONCURRENT_REQUESTS = 12


@pytest.fixture
def slow_logging_server(app, database_url, tmp_path):
    """gunicorn that logs every request as slow, so that each line has its SQL totals."""
    with app.app_context():
        create_user("logged-served@example.com", PASSWORD, role="recruiter")
        db.session.remove()
    with gunicorn_server(
        database_url, tmp_path, environment={"LOG_SLOW_REQUEST_MS": "0"}
    ) as served:
        yield served


def get_with_request_id(base, path, token, request_id):
    headers = {"Authorization": f"Bearer {token}", "X-Request-ID": request_id}
    with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers)) as response:
        return response.status


def test_concurrent_requests_count_their_own_sql(slow_logging_server):
    base = slow_logging_server.base
    token = request(
        f"{base}/api/auth/login",
        method="POST",
        body={"email": "logged-served@example.com", "password": PASSWORD},
    )[1]["token"]
    # The token's first use also records its last use, an extra statement.
    get_with_request_id(base, "/api/clients", token, "warm-up-request")
    request_ids = [f"concurrent-request-{number}" for number in range(CONCURRENT_REQUESTS)]

    with ThreadPoolExecutor(max_workers=CONCURRENT_REQUESTS) as pool:
        statuses = list(
            pool.map(lambda rid: get_with_request_id(base, "/api/clients", token, rid), request_ids)
        )

    assert statuses == [200] * CONCURRENT_REQUESTS
    lines = [json.loads(line) for line in slow_logging_server.log().splitlines() if line]
    counts = {
        line["requestId"]: line["sqlStatements"]
        for line in lines
        if (line.get("requestId") or "").startswith("concurrent-request-")
    }
    assert set(counts) == set(request_ids)
    # A request on a connection that sat idle also counts the pool's ping, and one
    # on a new or recently used connection does not. Totals shared between
    # greenlets would add up the statements of the whole burst instead.
    assert max(counts.values()) - min(counts.values()) <= 1


def test_websocket_access_line_is_not_slow(database_url, tmp_path):
    """A WebSocket logs its access line when it closes, and its lifetime is not a slow request."""
    with gunicorn_server(
        database_url, tmp_path, environment={"LOG_SLOW_REQUEST_MS": "100"}
    ) as served:
        ws = websocket.create_connection(served.base.replace("http://", "ws://") + "/ws")
        time.sleep(0.5)
        ws.close()

        deadline = time.monotonic() + 10
        lines = []
        while not lines and time.monotonic() < deadline:
            time.sleep(0.1)
            lines = [
                json.loads(line)
                for line in served.log().splitlines()
                if line.startswith("{") and '"route":"/ws"' in line
            ]

    assert len(lines) == 1
    assert lines[0]["durationMs"] >= 500
    assert lines[0]["level"] == "INFO"
