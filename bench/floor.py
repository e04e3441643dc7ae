"""The latency floor of this machine under the benchmarks' closed-loop load.

    .venv/bin/python -m bench.floor [--seconds 10] [--clients 8]

With N closed-loop clients and a busy machine, a request waits behind the
others: the mean latency is about N times the machine's CPU time per request,
divided by its cores. This benchmark measures that CPU time and the latency it
gives, with the same load generator and gunicorn settings as the others, for
requests that do less than a warm dashboard batch, and for the batch itself:

- a Flask app that returns a constant (bench/minimal_app.py);
- the same app reading one row from PostgreSQL and one key from Redis, the
  least a warm batch could do while it checks the token and the cache
  generations in PostgreSQL;
- the app's `/health`: no authentication and no database, but every hook
  that each request runs (request id, access log, metrics, security headers);
- the warm dashboard batch, with 1 client and with `--clients` clients.

CPU time per request is read from /proc (Linux only): the whole machine's busy
time and the gunicorn workers' own. Writes bench/results/<date>-floor.md.
"""

from gevent import monkey

monkey.patch_all()

from psycogreen.gevent import patch_psycopg  # noqa: E402

patch_psycopg()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

from bench.load import measure_with_cpu  # noqa: E402
from bench.machine import machine_line, speed_probe_ms  # noqa: E402
from bench.reports import write_report  # noqa: E402
from bench.scratch_cache import scratch_cache_environment  # noqa: E402
from bench.server import BenchDatabase, BenchServer  # noqa: E402

BATCH = "/api/dashboard/batch?include=stats,recent_activity,pipeline_summary"


def format_report(rows, database, args, started, probes):
    lines = [
        f"# Latency floor under {args.clients} closed-loop clients, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `.venv/bin/python -m bench.floor --seconds {args.seconds}"
        f" --clients {args.clients}`",
        machine_line(
            database,
            "load generator, gunicorn (2 gevent workers), PostgreSQL and Redis share the machine",
            probes,
        ),
        f"- Data (for the batch): {database.row_counts}",
        "",
        "| request | clients | req/s | p50 ms | p95 ms | p99 ms | errors"
        " | machine CPU ms per request | worker CPU ms per request |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        result = row.result
        lines.append(
            f"| {row.name} | {row.clients} | {result.rate:.0f} | {result.median:.2f}"
            f" | {result.percentile(0.95):.2f} | {result.percentile(0.99):.2f}"
            f" | {result.errors} | {row.machine_ms:.2f} | {row.worker_ms:.2f} |"
        )
    cores = os.cpu_count()
    lines += [
        "",
        f"With {args.clients} clients on {cores} busy cores, each request waits for about"
        f" {args.clients / cores:.0f} others' CPU time. The mean latency predicted from"
        " the machine CPU time per request, for comparison with the measured p50:",
        "",
    ]
    for row in rows:
        if row.clients == args.clients:
            predicted = row.machine_ms * args.clients / cores
            lines.append(f"- {row.name}: {predicted:.2f} ms")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Measure the latency floor of this machine.")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of load per measurement")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    probe_before = speed_probe_ms()

    database = BenchDatabase.prepare()
    load = {"clients": args.clients, "seconds": args.seconds}
    rows = []
    with scratch_cache_environment() as environment:
        minimal_environment = {**environment, "BENCH_FLOOR_DSN": database.libpq_url}
        with BenchServer(
            database, app_module="bench.minimal_app:app", environment=minimal_environment
        ) as server:
            rows.append(measure_with_cpu("Flask, one route", server, "/health", {}, **load))
            rows.append(
                measure_with_cpu(
                    "Flask, one PostgreSQL and one Redis read", server, "/one-read-each", {}, **load
                )
            )
        with BenchServer(database, environment=environment) as server:
            headers = {"Authorization": f"Bearer {server.token}"}
            rows.append(measure_with_cpu("the app's /health", server, "/health", {}, **load))
            rows.append(
                measure_with_cpu(
                    "warm dashboard batch", server, BATCH, headers, clients=1, seconds=args.seconds
                )
            )
            rows.append(measure_with_cpu("warm dashboard batch", server, BATCH, headers, **load))

    probes = (probe_before, speed_probe_ms())
    report = format_report(rows, database, args, started, probes)
    write_report("floor", started, report)


if __name__ == "__main__":
    sys.exit(main())
