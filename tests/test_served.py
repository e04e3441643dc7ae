"""The app served the way the Procfile serves it: gunicorn with gevent workers."""

import http.client
import json

import pytest

from app.extensions import db
from app.services.users import create_user
from tests.served import request

PASSWORD = "served-password-1"


@pytest.fixture
def served_user(app):
    with app.app_context():
        create_user("served@example.com", PASSWORD, role="recruiter")
        db.session.remove()


def test_served_health_and_ready(server):
    assert request(f"{server.base}/health")[0] == 200
    assert request(f"{server.base}/ready")[0] == 200


def test_served_login_then_crud(server, served_user):
    status, login = request(
        f"{server.base}/api/auth/login",
        method="POST",
        body={"email": "served@example.com", "password": PASSWORD},
    )
    token = login["token"]

    created_status, created = request(
        f"{server.base}/api/clients", method="POST", body={"name": "Served Co"}, token=token
    )
    listed_status, listed = request(f"{server.base}/api/clients", token=token)

    assert status == 200
    assert created_status == 201
    assert listed_status == 200
    assert [row["id"] for row in listed["data"]] == [created["id"]]


def test_served_errors_use_error_shape(server):
    status, body = request(f"{server.base}/api/clients")

    assert status == 401
    assert body["error"]["code"] == "unauthorized"


def test_served_long_url_gets_json_404(server, served_user):
    token = login(server.base)

    status, body = request(f"{server.base}/api/clients/{'a' * 5000}", token=token)

    assert status == 404
    assert body["error"]["code"] == "not_found"


def test_served_uses_gevent_worker(server):
    log = server.log_path.read_text()

    assert "Using worker: gevent" in log


def send_chunked(base, path, body, token):
    """POST ``body`` with chunked transfer encoding; return ``(status, parsed JSON body)``."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    chunks = (body[offset : offset + 65536] for offset in range(0, len(body), 65536))
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    connection.request("POST", path, body=chunks, headers=headers, encode_chunked=True)
    response = connection.getresponse()
    status, payload = response.status, json.loads(response.read() or b"null")
    connection.close()
    return status, payload


def login(base):
    return request(
        f"{base}/api/auth/login",
        method="POST",
        body={"email": "served@example.com", "password": PASSWORD},
    )[1]["token"]


def test_served_chunked_body_over_limit_is_413(server, served_user):
    token = login(server.base)
    body = b'{"name": "Padded Co"}' + b" " * (1200 * 1024)

    status, payload = send_chunked(server.base, "/api/clients", body, token)

    assert status == 413
    assert payload["error"]["code"] == "payload_too_large"


def test_served_chunked_body_under_limit_is_accepted(server, served_user):
    token = login(server.base)

    status, payload = send_chunked(server.base, "/api/clients", b'{"name": "Chunked Co"}', token)

    assert status == 201
    assert payload["name"] == "Chunked Co"
