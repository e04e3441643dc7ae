"""Closed-loop load: each of N clients sends a request, reads the response, and repeats.

Clients are gevent greenlets in this process, so the server under test runs in
other processes. Latency is measured per request with a monotonic clock.
"""

import re
import socket
import statistics
import time
from dataclasses import dataclass

import gevent
import psycopg2

from bench.machine import machine_busy_seconds

CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*(\d+)")


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list

    @property
    def rate(self):
        return self.requests / self.seconds

    def percentile(self, fraction):
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    @property
    def median(self):
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")


def _run(clients, seconds, make_worker):
    latencies = []
    errors = [0]
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    workers = [gevent.spawn(make_worker(deadline, latencies, errors)) for _ in range(clients)]
    gevent.joinall(workers, raise_error=True)
    elapsed = time.monotonic() - started
    return Result(len(latencies), errors[0], elapsed, latencies)


class KeepAliveClient:
    """A minimal HTTP/1.1 client for GET requests on one keep-alive connection.

    http.client parses every header through the email package, which costs a
    Python load generator more CPU per request than some of the endpoints under
    test. The generator shares the machine's cores with the server, so that cost
    would show up as server latency. This client sends one prepared request and
    reads only the status line and Content-Length. That is enough here, because
    gunicorn's responses to these GETs always carry a Content-Length.
    """

    def __init__(self, host, port, path, headers):
        self.host, self.port, self.headers = host, port, headers
        self.request = None if path is None else self._encode(path)
        self.socket = socket.create_connection((host, port), timeout=30)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def _encode(self, path):
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def get(self, path=None):
        """Send the request, or a GET of ``path``, and read the whole response.

        Return the response's status code.
        """
        self.socket.sendall(self.request if path is None else self._encode(path))
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._receive()
        head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
        status = int(head[9:12])
        length = CONTENT_LENGTH.search(head)
        if length is None:
            raise RuntimeError(f"Response without Content-Length: {head[:200]!r}")
        body_length = int(length.group(1))
        while len(self.buffer) < body_length:
            self._receive()
        self.buffer = self.buffer[body_length:]
        return status

    def _receive(self):
        chunk = self.socket.recv(262144)
        if not chunk:
            raise ConnectionError("The server closed the connection.")
        self.buffer += chunk

    def close(self):
        self.socket.close()


def http_load(host, port, path, headers, *, clients, seconds, paths=None):
    """Send GET ``path`` from ``clients`` keep-alive connections for ``seconds``.

    With ``paths``, an iterator that the clients share, each request takes the
    next path from it instead.
    """

    def make_worker(deadline, latencies, errors):
        def work():
            client = KeepAliveClient(host, port, path, headers)
            while time.monotonic() < deadline:
                started = time.perf_counter()
                status = client.get(None if paths is None else next(paths))
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    errors[0] += 1
            client.close()

        return work

    return _run(clients, seconds, make_worker)


@dataclass
class Measured:
    """A load's result, with the CPU time that each request took."""

    name: str
    clients: int
    result: Result
    machine_ms: float
    worker_ms: float


WARM_UP_S = 1


def measure_with_cpu(name, server, path, headers, *, clients, seconds):
    """Load ``path`` on a BenchServer after a warm-up; return latencies and CPU time per request.

    The CPU time is the whole machine's and the gunicorn workers' own, from /proc
    (Linux only).
    """
    http_load("127.0.0.1", server.port, path, headers, clients=clients, seconds=WARM_UP_S)
    machine_before, worker_before = machine_busy_seconds(), server.worker_cpu_seconds()
    result = http_load("127.0.0.1", server.port, path, headers, clients=clients, seconds=seconds)
    machine_after, worker_after = machine_busy_seconds(), server.worker_cpu_seconds()
    per_request = 1000 / max(result.requests, 1)
    return Measured(
        name,
        clients,
        result,
        (machine_after - machine_before) * per_request,
        (worker_after - worker_before) * per_request,
    )


def sql_load(dsn, statements, *, clients, seconds):
    """Run ``statements`` (a list of (sql, params)) per request on ``clients`` connections.

    The floor of a list endpoint: its queries through psycopg2, rows fetched, no
    framework, no HTTP.
    """

    def make_worker(deadline, latencies, errors):
        def work():
            connection = psycopg2.connect(dsn)
            connection.autocommit = True
            cursor = connection.cursor()
            while time.monotonic() < deadline:
                started = time.perf_counter()
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()
                latencies.append((time.perf_counter() - started) * 1000)
            connection.close()

        return work

    return _run(clients, seconds, make_worker)
