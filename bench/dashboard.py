"""Benchmark of the dashboard batch endpoint at the large seed size.

    .venv/bin/python -m bench.dashboard [--rounds 40] [--seconds 10] [--clients 8]

Loads the large seed into the scratch database (as bench.lists does), serves the
app with gunicorn's gevent worker and a Redis cache, and measures in one run:

- cold batch: one client; before each request a write-like bump of every cache
  generation, so all three sections are computed from PostgreSQL;
- cold sections one after another: the three single endpoints, requested in turn
  after a bump, summed per round; alternated with the cold batch rounds;
- warm batch: concurrent keep-alive clients on an unchanged cache.

Reports p50, p95 and p99 of each, and writes bench/results/<date>-dashboard.md.
Needs Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379/0); its keys get
a prefix of their own and are deleted at the end.
"""

from gevent import monkey

monkey.patch_all()

from psycogreen.gevent import patch_psycopg  # noqa: E402

patch_psycopg()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import psycopg2  # noqa: E402

from bench.load import Result, http_load  # noqa: E402
from bench.machine import machine_line, speed_probe_ms  # noqa: E402
from bench.reports import write_report  # noqa: E402
from bench.scratch_cache import scratch_cache_environment  # noqa: E402
from bench.server import BenchDatabase, BenchServer  # noqa: E402

BATCH = "/api/dashboard/batch?include=stats,recent_activity,pipeline_summary"
SECTIONS = (
    "/api/dashboard/stats",
    "/api/dashboard/recent-activity",
    "/api/dashboard/pipeline-summary",
)


def timed_get(connection, path, headers):
    """GET ``path``; return the milliseconds it took. Fails on any status but 200."""
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"GET {path} returned {response.status}")
    return elapsed


def measure_cold(server, database, headers, rounds):
    """Alternate cold batches and cold single sections; return their two Results."""
    bump = psycopg2.connect(database.libpq_url)
    bump.autocommit = True
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    batch, one_after_another = [], []
    started = time.monotonic()
    try:
        for _ in range(rounds):
            with bump.cursor() as cursor:
                cursor.execute("UPDATE cache_generations SET generation = generation + 1")
            batch.append(timed_get(connection, BATCH, headers))
            with bump.cursor() as cursor:
                cursor.execute("UPDATE cache_generations SET generation = generation + 1")
            one_after_another.append(sum(timed_get(connection, path, headers) for path in SECTIONS))
    finally:
        connection.close()
        bump.close()
    seconds = time.monotonic() - started
    return Result(rounds, 0, seconds, batch), Result(rounds, 0, seconds, one_after_another)


def format_report(results, database, args, started, probes):
    cold_batch, cold_sections, warm = results
    ratio = cold_batch.median / cold_sections.median
    lines = [
        f"# Dashboard batch at the large seed size, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `.venv/bin/python -m bench.dashboard --rounds {args.rounds}"
        f" --seconds {args.seconds} --clients {args.clients}`",
        machine_line(
            database,
            "Redis cache; load generator, gunicorn (2 gevent workers), PostgreSQL and Redis"
            " share the machine",
            probes,
        ),
        f"- Data: {database.row_counts}",
        f"- Request: `GET {BATCH}` (no filters: the whole agency).",
        "",
        "| measurement | requests | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|",
        _row(f"cold batch, 1 client, {args.rounds} rounds", cold_batch),
        _row("cold sections one after another (sum per round)", cold_sections),
        _row(f"warm batch, {args.clients} clients, {args.seconds} s", warm),
        "",
        f"Cold batch p50 / cold sections one after another p50: {ratio:.2f}",
        f"Warm batch errors: {warm.errors}",
    ]
    return "\n".join(lines) + "\n"


def _row(name, result):
    return (
        f"| {name} | {result.requests} | {result.median:.1f} | {result.percentile(0.95):.1f}"
        f" | {result.percentile(0.99):.1f} |"
    )


def main():
    parser = argparse.ArgumentParser(description="Benchmark the dashboard batch endpoint.")
    parser.add_argument("--rounds", type=int, default=40, help="cold rounds")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of warm load")
    parser.add_argument("--clients", type=int, default=8, help="concurrent warm clients")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    probe_before = speed_probe_ms()

    database = BenchDatabase.prepare()
    with (
        scratch_cache_environment() as environment,
        BenchServer(database, environment=environment) as server,
    ):
        headers = {"Authorization": f"Bearer {server.token}"}
        # Warm-up: connections, plans and the PostgreSQL buffer cache.
        cold_batch, cold_sections = measure_cold(server, database, headers, 5)
        cold_batch, cold_sections = measure_cold(server, database, headers, args.rounds)
        warm = http_load("127.0.0.1", server.port, BATCH, headers, clients=args.clients, seconds=1)
        warm = http_load(
            "127.0.0.1",
            server.port,
            BATCH,
            headers,
            clients=args.clients,
            seconds=args.seconds,
        )

    probes = (probe_before, speed_probe_ms())
    report = format_report((cold_batch, cold_sections, warm), database, args, started, probes)
    write_report("dashboard", started, report)


if __name__ == "__main__":
    sys.exit(main())
