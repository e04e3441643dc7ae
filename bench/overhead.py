"""Benchmark of what request logging and metrics cost on GET /api/jobs?limit=50.

    .venv/bin/python -m bench.overhead [--size medium] [--seconds 10] [--clients 8] [--rounds 3]
        [--pairs 2000]

Seeds the scratch database `ats_bench_<size>`, or reuses it. Then serves the
same data with gunicorn (2 gevent workers) twice: `wsgi:app` with the access
log, request ids and Prometheus metrics on, and `bench/unobserved_app.py` with
them off. The observed server writes its JSON log lines to a file, as a
platform's log pipe would receive them. Rounds alternate between the two
servers, so that the load other processes put on the machine affects both alike.

Each round drives the list from this process with `--clients` concurrent
keep-alive clients for `--seconds`, after a one-second warm-up, and the report
compares the p50 latency of all rounds of each server.

On a busy machine, rounds seconds apart see different loads. So the script also
measures both apps inside this process with Flask's test client, alternating
between them on every request (`--pairs` of them), where a load change hits both
alike. The report goes to bench/results/<date>-overhead.md and to standard output.
"""

from gevent import monkey

monkey.patch_all()

from app.gevent_psycopg import patch_psycopg  # noqa: E402

patch_psycopg()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.load import http_load  # noqa: E402
from bench.server import BENCH_EMAIL, SECRET_KEY, BenchDatabase, BenchServer  # noqa: E402
from config import Config, database_url  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_ROOT / "bench" / "results"
PATH = "/api/jobs?limit=50"
VARIANTS = {"on": "wsgi:app", "off": "bench.unobserved_app:app"}
# Logging and metrics may add less than this share of the list's p50 latency.
MAX_OVERHEAD = 0.05


def measure_round(database, variant, log_folder, args):
    """Serve with one variant and return its latencies in ms and the error count."""
    log_path = Path(log_folder) / f"{variant}.log"
    with open(log_path, "ab") as output:
        with BenchServer(database, app_module=VARIANTS[variant], output=output) as server:
            headers = {"Authorization": f"Bearer {server.token}"}
            http_load("127.0.0.1", server.port, PATH, headers, clients=args.clients, seconds=1)
            result = http_load(
                "127.0.0.1", server.port, PATH, headers, clients=args.clients, seconds=args.seconds
            )
    return result


def measure_in_process(database, log_folder, pairs):
    """Time GET ``PATH`` through the test clients of both apps, alternating per request.

    Returns ``{variant: [latency ms, ...]}``. Log lines go to a file, as on the server.
    """
    # Metrics go to files, as under gunicorn. prometheus-client reads this at import.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(dir=log_folder)
    from app import create_app

    class ObservedConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url(database.url)

    class UnobservedConfig(ObservedConfig):
        OBSERVE_REQUESTS = False

    ObservedConfig.SECRET_KEY = SECRET_KEY
    clients = {
        "on": create_app(ObservedConfig).test_client(),
        "off": create_app(UnobservedConfig).test_client(),
    }
    log_file = open(Path(log_folder) / "in-process.log", "w")
    for handler in logging.getLogger().handlers:
        if getattr(handler, "is_app_handler", False):
            handler.setStream(log_file)

    token = database.flask("tokens", "create", BENCH_EMAIL).strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    latencies = {"on": [], "off": []}
    for number in range(pairs + 20):
        order = ("on", "off") if number % 2 else ("off", "on")
        for variant in order:
            started = time.perf_counter()
            response = clients[variant].get(PATH, headers=headers)
            elapsed_ms = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"GET {PATH} returned {response.status_code}")
            # The first 20 pairs warm up connections and caches.
            if number >= 20:
                latencies[variant].append(elapsed_ms)
    log_file.close()
    return latencies


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def overhead_line(p50_on, p50_off):
    overhead = (p50_on - p50_off) / p50_off
    verdict = "within" if overhead < MAX_OVERHEAD else "over"
    return (
        f"p50 overhead: {overhead * 100:+.1f}% ({p50_on - p50_off:+.2f} ms, {verdict} the "
        f"{MAX_OVERHEAD:.0%} budget)."
    )


def format_report(results, in_process, database, args, started, log_folder):
    on, off = results["on"], results["off"]
    lines = [
        f"# Logging and metrics overhead on GET {PATH}, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `.venv/bin/python -m bench.overhead --size {args.size} --seconds "
        f"{args.seconds} --clients {args.clients} --rounds {args.rounds} --pairs {args.pairs}`",
        f"- Data: {database.row_counts}",
        f"- Machine: {os.cpu_count()} cores, {platform.machine()}, Python"
        f" {platform.python_version()}, {database.server_version}; load generator,"
        " gunicorn (2 gevent workers) and PostgreSQL share the machine",
        f"- Rounds alternate off and on; each lasts {args.seconds} s after a 1 s warm-up,"
        f" with {args.clients} concurrent keep-alive clients",
        "",
        "## Under load, through gunicorn",
        "",
        "| logging and metrics | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for variant in ("off", "on"):
        data = results[variant]
        latencies = data["latencies"]
        lines.append(
            f"| {variant} | {len(latencies)} | {data['errors']} "
            f"| {len(latencies) / data['seconds']:.0f} | {statistics.median(latencies):.2f} "
            f"| {percentile(latencies, 0.95):.2f} | {percentile(latencies, 0.99):.2f} |"
        )
    with open(Path(log_folder) / "on.log") as log:
        log_lines = sum(1 for _ in log)
    lines += [
        "",
        overhead_line(statistics.median(on["latencies"]), statistics.median(off["latencies"])),
        "",
        f"Per-round p50 ms, off: {', '.join(f'{v:.2f}' for v in off['round_p50s'])}; "
        f"on: {', '.join(f'{v:.2f}' for v in on['round_p50s'])}. "
        f"The observed server wrote {log_lines} log lines to a file.",
        "",
        "## In process, alternating per request",
        "",
        f"{args.pairs} pairs of requests through Flask's test client, no HTTP and no "
        f"concurrency. p50 off: {statistics.median(in_process['off']):.2f} ms, "
        f"on: {statistics.median(in_process['on']):.2f} ms.",
        "",
        overhead_line(statistics.median(in_process["on"]), statistics.median(in_process["off"])),
    ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Benchmark logging and metrics overhead.")
    parser.add_argument(
        "--size", default="medium", choices=("demo", "medium", "large"), help="seed size"
    )
    parser.add_argument("--seconds", type=int, default=10, help="seconds per round")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per variant")
    parser.add_argument(
        "--pairs", type=int, default=2000, help="request pairs of the in-process measurement"
    )
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)

    database = BenchDatabase.prepare(name=f"ats_bench_{args.size}", size=args.size)
    results = {
        variant: {"latencies": [], "errors": 0, "seconds": 0.0, "round_p50s": []}
        for variant in VARIANTS
    }
    with tempfile.TemporaryDirectory(prefix="ats-overhead-") as log_folder:
        for number in range(args.rounds):
            for variant in ("off", "on"):
                result = measure_round(database, variant, log_folder, args)
                data = results[variant]
                data["latencies"] += result.latencies_ms
                data["errors"] += result.errors
                data["seconds"] += result.seconds
                data["round_p50s"].append(result.median)
                print(
                    f"round {number + 1} {variant}: p50 {result.median:.2f} ms, "
                    f"{result.rate:.0f} req/s",
                    flush=True,
                )
        in_process = measure_in_process(database, log_folder, args.pairs)
        report = format_report(results, in_process, database, args, started, log_folder)

    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{started:%Y-%m-%d}-overhead.md").write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
