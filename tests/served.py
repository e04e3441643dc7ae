"""Start gunicorn the way the Procfile does, for tests that need a real server."""

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

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TESTS_DIRECTORY = Path(__file__).resolve().parent
# Long enough for the production check of SECRET_KEY, which a served app runs.
SERVED_SECRET_KEY = "served-test-key-long-enough-for-the-startup-check"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url, *, method="GET", body=None, token=None, timeout=10):
    """Send a request and return ``(status, parsed JSON body)``."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@dataclass
class Served:
    base: str
    log_path: Path

    def log(self):
        return self.log_path.read_text(errors="replace")


@contextmanager
def gunicorn(log_path, environment, *, app="wsgi:app", workers=2):
    """Run gunicorn (settings from gunicorn.conf.py) on a free loopback port.

    ``environment`` adds to this process's environment, with SERVED_SECRET_KEY as
    the default SECRET_KEY. ``app`` may name a module in tests/, which is on
    gunicorn's Python path.
    """
    port = free_port()
    env = {**os.environ, "SECRET_KEY": SERVED_SECRET_KEY, **environment}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", app, "--workers", str(workers)]
            + ["--bind", f"127.0.0.1:{port}", "--pythonpath", str(TESTS_DIRECTORY)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    served = Served(f"http://127.0.0.1:{port}", log_path)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if request(f"{served.base}/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start: {served.log()[-2000:]}")
        yield served
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def gunicorn_server(database_url, log_dir, *, environment=None):
    """Serve ``database_url`` with two workers; yield a Served and stop it afterwards."""
    settings = {"DATABASE_URL": database_url, **(environment or {})}
    with gunicorn(log_dir / "gunicorn.log", settings) as served:
        yield served
