"""Helpers of the live-update tests: a gunicorn server and a threaded WebSocket client."""

import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import websocket
from served import SERVED_SECRET_KEY

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Short limits, so that the tests of timeouts, pings and slow clients run quickly.
SERVER_SETTINGS = {
    "REALTIME_AUTH_TIMEOUT_S": "1",
    "REALTIME_PING_INTERVAL_S": "1",
    "REALTIME_SEND_QUEUE_MAX": "20",
    "REALTIME_SEND_TIMEOUT_S": "3",
    "REALTIME_CLOSE_TIMEOUT_S": "1",
    "REALTIME_MAX_ERRORS_PER_MINUTE": "8",
    "REALTIME_REPLAY_MAX_EVENTS": "50",
    "REALTIME_MAX_MESSAGE_BYTES": "1024",
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with gevent workers on a free loopback port, stopped by ``stop``."""

    def __init__(self, database_url, log_path, *, workers=2, settings=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"
        self.log_path = log_path
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SERVED_SECRET_KEY,
            **SERVER_SETTINGS,
            **(settings or {}),
        }
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "wsgi:app", "--workers", str(workers)]
                + ["--bind", f"127.0.0.1:{self.port}"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()

    def _wait_until_up(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start: {self.log_path.read_text()[-2000:]}")

    def log(self):
        return self.log_path.read_text()

    def worker_pids_of_sockets(self):
        """Return the worker pids that logged an authenticated WebSocket."""
        return set(re.findall(r"WebSocket authenticated .* in worker (\d+)", self.log()))

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def http(base, path, *, method="GET", body=None, token=None):
    """Send a request; return ``(status, headers, parsed JSON body)``."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or b"null")


class WsClient:
    """A websocket-client connection whose frames a thread reads into a queue.

    Reading all the time also sends pongs to the server's pings, as a browser does.
    """

    def __init__(self, url, token=None, timeout=5, cookie=None, origin=None, **options):
        # websocket-client sends the server's own origin when ``origin`` is None.
        # ``options`` go to websocket.create_connection, e.g. ``host`` or ``header``.
        self.ws = websocket.create_connection(
            url, timeout=timeout, cookie=cookie, origin=origin, **options
        )
        self.messages = queue.Queue()
        self.close_code = None
        self.close_reason = None
        self.closed = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if token is not None:
            self.send({"type": "auth", "token": token})
            reply = self.next()
            assert reply["type"] == "authenticated", reply

    def _read(self):
        try:
            while True:
                opcode, data = self.ws.recv_data(control_frame=False)
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    if len(data) >= 2:
                        self.close_code = int.from_bytes(data[:2], "big")
                        self.close_reason = data[2:].decode()
                    break
                self.messages.put(json.loads(data))
        except (websocket.WebSocketException, OSError):
            pass
        finally:
            self.closed.set()

    def send(self, message):
        self.ws.send(json.dumps(message))

    def send_raw(self, data, opcode=websocket.ABNF.OPCODE_TEXT):
        self.ws.send(data, opcode)

    def next(self, timeout=5):
        """Return the next message, or raise queue.Empty after ``timeout`` seconds."""
        return self.messages.get(timeout=timeout)

    def subscribe(self, channel, ref="s1", **extra):
        self.send({"type": "subscribe", "channel": channel, "ref": ref, **extra})
        return self.next()

    def events(self, count, timeout=10):
        """Return the next ``count`` messages, which must all be events."""
        deadline = time.monotonic() + timeout
        received = []
        while len(received) < count:
            message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            assert message["type"] == "event", message
            received.append(message)
        return received

    def wait_closed(self, timeout=10):
        return self.closed.wait(timeout)

    def close(self):
        try:
            self.ws.close()
        except (websocket.WebSocketException, OSError):
            pass
