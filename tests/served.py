"""A real gunicorn server for tests: started as the Procfile starts it, on a free port."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Long enough for the production check of SECRET_KEY, which a served app runs.
SERVED_SECRET_KEY = "served-test-key-long-enough-for-the-startup-check"


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


@dataclass
class Served:
    base: str
    log_path: Path


@contextmanager
def gunicorn_server(database_url, log_dir, *, environment=None):
    """Start gunicorn as the Procfile does (settings from gunicorn.conf.py), with two
    workers on a free loopback port; yield a Served and stop it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SERVED_SECRET_KEY,
        **(environment or {}),
    }
    log_path = log_dir / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "wsgi:app", "--workers", "2"]
            + ["--bind", f"127.0.0.1:{port}"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
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
        pytest.fail(f"gunicorn did not start: {log_path.read_text()[-2000:]}")
    try:
        yield Served(base, log_path)
    finally:
        process.terminate()
        process.wait(timeout=10)
