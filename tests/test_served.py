"""The app served the way the Procfile serves it: gunicorn with gevent workers."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app.extensions import db
from app.services.users import create_user

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "served-password-1"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url, *, method="GET", body=None, token=None):
    """Send a request and return ``(status, parsed JSON body)``."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture
def server(app, database_url):
    """A gunicorn server with two gevent workers on a free loopback port."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "served-test-key"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "wsgi:app",
            "--worker-class",
            "gevent",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if request(f"{base}/health")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"gunicorn did not start: {process.stderr.read().decode()[-2000:]}")
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def served_user(app):
    with app.app_context():
        create_user("served@example.com", PASSWORD, role="recruiter")
        db.session.remove()


def test_served_health_and_ready(server):
    assert request(f"{server}/health")[0] == 200
    assert request(f"{server}/ready")[0] == 200


def test_served_login_then_crud(server, served_user):
    status, login = request(
        f"{server}/api/auth/login",
        method="POST",
        body={"email": "served@example.com", "password": PASSWORD},
    )
    token = login["token"]

    created_status, created = request(
        f"{server}/api/clients", method="POST", body={"name": "Served Co"}, token=token
    )
    listed_status, listed = request(f"{server}/api/clients", token=token)

    assert status == 200
    assert created_status == 201
    assert listed_status == 200
    assert [row["id"] for row in listed["data"]] == [created["id"]]


def test_served_errors_use_error_shape(server):
    status, body = request(f"{server}/api/clients")

    assert status == 401
    assert body["error"]["code"] == "unauthorized"
