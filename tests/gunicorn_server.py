"""Start gunicorn on a free loopback port for tests that need the real server."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from served import SERVED_SECRET_KEY

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_request(url, *, method="GET", body=None, headers=None, timeout=15):
    """Send a request; return ``(status, headers, parsed JSON body or raw bytes)``."""
    headers = {"Content-Type": "application/json", **(headers or {})}
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.headers, _decode(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, _decode(error.read())


def _decode(raw):
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw


@dataclass
class GunicornServer:
    base: str
    process: subprocess.Popen
    log_path: Path

    def log_lines(self):
        """Return the server's output lines parsed as JSON objects."""
        text = self.log_path.read_text()
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def start_gunicorn(log_path, environment, *, app_module="wsgi:app", workers=1, ready=True):
    """Start gunicorn as the Procfile does and wait until /health answers 200.

    ``environment`` is added to this process's environment. Metrics files go to a
    folder of their own under ``log_path``'s parent.
    """
    port = free_port()
    metrics_folder = log_path.parent / f"metrics-{port}"
    env = {
        **os.environ,
        "SECRET_KEY": SERVED_SECRET_KEY,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder),
        **environment,
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", app_module, "--workers", str(workers)]
            + ["--bind", f"127.0.0.1:{port}"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = GunicornServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if http_request(f"{server.base}/health", timeout=2)[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not start: {log_path.read_text()[-3000:]}")
