"""Closed-loop load: each of N clients sends a request, reads the response, and repeats.

Clients are gevent greenlets in this process, so the server under test runs in
other processes. Latency is measured per request with a monotonic clock.
"""

import http.client
import statistics
import time
from dataclasses import dataclass

import gevent
import psycopg2


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


def http_load(host, port, path, headers, *, clients, seconds):
    """Send GET ``path`` from ``clients`` keep-alive connections for ``seconds``."""

    def make_worker(deadline, latencies, errors):
        def work():
            connection = http.client.HTTPConnection(host, port, timeout=30)
            while time.monotonic() < deadline:
                started = time.perf_counter()
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status != 200:
                    errors[0] += 1
            connection.close()

        return work

    return _run(clients, seconds, make_worker)


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
