"""Benchmark of what request logging and metrics cost on GET /api/jobs?limit=50.

    .venv/bin/python -m bench.overhead [--size medium] [--seconds 5] [--clients 8] [--rounds 10]
        [--pairs 2000]

Seeds the scratch database `ats_bench_<size>`, or reuses it. Then serves the
same data with two gunicorn servers (2 gevent workers each): `wsgi:app` with
the access log, request ids and Prometheus metrics on, and
`bench/unobserved_app.py` with them off. The observed server writes its JSON log
lines to a file, as a platform's log pipe would receive them. Both servers
restart every PAIRS_PER_START pairs of rounds, each time in the other order.

The measurement is `--rounds` pairs of rounds. A round drives one server from
this process with `--clients` concurrent keep-alive clients for `--seconds`,
after a one-second warm-up, while the other server idles. The order within a
pair alternates (off then on, then on then off), so a load that other
processes put on the machine for a while hits both variants alike. The report
gives the median over pairs of each pair's p50 overhead, which is what the
budget is checked against, and the workers' CPU time per request of each
variant, which the load of other processes disturbs less than latency.

The script also measures both apps inside this process with Flask's test
client, alternating between them on every request (`--pairs` of them). The
report goes to bench/results/<date>-overhead.md and to standard output.
"""

from gevent import monkey

monkey.patch_all()

from app.gevent_psycopg import patch_psycopg  # noqa: E402

patch_psycopg()

import argparse  # noqa: E402
import contextlib  # noqa: E402
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
# Both servers restart after this many pairs, each time in the other order. In two
# runs on a 2-core machine with the order swapped, the server started first used
# about 0.15 ms more CPU per request than it did when started second.
PAIRS_PER_START = 2
START_ORDERS = (("off", "on"), ("on", "off"))


def measure_round(server, args):
    """Load ``server`` for a round; return the load result and the workers' CPU seconds."""
    headers = {"Authorization": f"Bearer {server.token}"}
    http_load("127.0.0.1", server.port, PATH, headers, clients=args.clients, seconds=1)
    cpu_before = server.worker_cpu_seconds()
    result = http_load(
        "127.0.0.1", server.port, PATH, headers, clients=args.clients, seconds=args.seconds
    )
    return result, server.worker_cpu_seconds() - cpu_before


def measure_pair(servers, number, results, args):
    """Measure pair ``number``: a round of each server, in the order that alternates."""
    order = ("off", "on") if number % 2 == 0 else ("on", "off")
    for variant in order:
        result, cpu_seconds = measure_round(servers[variant], args)
        data = results[variant]
        data["latencies"] += result.latencies_ms
        data["errors"] += result.errors
        data["seconds"] += result.seconds
        data["cpu_seconds"] += cpu_seconds
        data["round_p50s"].append(result.median)
        print(
            f"pair {number + 1} {variant}: p50 {result.median:.2f} ms, "
            f"{result.rate:.0f} req/s, "
            f"{cpu_seconds * 1000 / max(result.requests, 1):.3f} ms CPU per request",
            flush=True,
        )


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


def overhead_line(label, on, off):
    overhead = (on - off) / off
    verdict = "within" if overhead < MAX_OVERHEAD else "over"
    return f"{label}: {overhead * 100:+.1f}% ({verdict} the {MAX_OVERHEAD:.0%} budget)."


def paired_overheads(on, off):
    """Return each pair's relative p50 overhead, in the order the pairs ran."""
    return [
        (p50_on - p50_off) / p50_off
        for p50_on, p50_off in zip(on["round_p50s"], off["round_p50s"], strict=True)
    ]


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
        " both gunicorn servers (2 gevent workers each) and PostgreSQL share the machine",
        f"- {args.rounds} pairs of rounds, the order within a pair alternating; each round"
        f" lasts {args.seconds} s after a 1 s warm-up, with {args.clients} concurrent"
        f" keep-alive clients. Both servers restart every {PAIRS_PER_START} pairs, in"
        " alternating order.",
        "",
        "## Under load, through gunicorn",
        "",
        "| logging and metrics | requests | errors | req/s | p50 ms | p95 ms | p99 ms"
        " | worker CPU ms per request |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for variant in ("off", "on"):
        data = results[variant]
        latencies = data["latencies"]
        lines.append(
            f"| {variant} | {len(latencies)} | {data['errors']} "
            f"| {len(latencies) / data['seconds']:.0f} | {statistics.median(latencies):.2f} "
            f"| {percentile(latencies, 0.95):.2f} | {percentile(latencies, 0.99):.2f} "
            f"| {data['cpu_seconds'] * 1000 / len(latencies):.3f} |"
        )
    overheads = paired_overheads(on, off)
    with open(Path(log_folder) / "on.log") as log:
        log_lines = sum(1 for _ in log)
    lines += [
        "",
        overhead_line(
            "Median over pairs of the p50 overhead",
            1 + statistics.median(overheads),
            1,
        ),
        "",
        overhead_line(
            "Worker CPU per request",
            on["cpu_seconds"] / len(on["latencies"]),
            off["cpu_seconds"] / len(off["latencies"]),
        ),
        "",
        overhead_line(
            "p50 of all rounds pooled",
            statistics.median(on["latencies"]),
            statistics.median(off["latencies"]),
        ),
        "",
        "| pair | p50 off ms | p50 on ms | overhead |",
        "|---|---|---|---|",
    ]
    for number, (p50_off, p50_on, overhead) in enumerate(
        zip(off["round_p50s"], on["round_p50s"], overheads, strict=True), start=1
    ):
        lines.append(f"| {number} | {p50_off:.2f} | {p50_on:.2f} | {overhead * 100:+.1f}% |")
    lines += [
        "",
        f"The observed server wrote {log_lines} log lines to a file.",
        "",
        "## In process, alternating per request",
        "",
        f"{args.pairs} pairs of requests through Flask's test client, no HTTP and no "
        f"concurrency. p50 off: {statistics.median(in_process['off']):.2f} ms, "
        f"on: {statistics.median(in_process['on']):.2f} ms.",
        "",
        overhead_line(
            "p50 overhead",
            statistics.median(in_process["on"]),
            statistics.median(in_process["off"]),
        ),
    ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Benchmark logging and metrics overhead.")
    parser.add_argument(
        "--size", default="medium", choices=("demo", "medium", "large"), help="seed size"
    )
    parser.add_argument("--seconds", type=int, default=5, help="seconds per round")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--rounds", type=int, default=10, help="pairs of rounds")
    parser.add_argument(
        "--pairs", type=int, default=2000, help="request pairs of the in-process measurement"
    )
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)

    database = BenchDatabase.prepare(name=f"ats_bench_{args.size}", size=args.size)
    results = {
        variant: {
            "latencies": [],
            "errors": 0,
            "seconds": 0.0,
            "cpu_seconds": 0.0,
            "round_p50s": [],
        }
        for variant in VARIANTS
    }
    with tempfile.TemporaryDirectory(prefix="ats-overhead-") as log_folder:
        for block in range(0, args.rounds, PAIRS_PER_START):
            start_order = START_ORDERS[(block // PAIRS_PER_START) % 2]
            with contextlib.ExitStack() as stack:
                servers = {}
                for variant in start_order:
                    output = stack.enter_context(open(Path(log_folder) / f"{variant}.log", "ab"))
                    servers[variant] = stack.enter_context(
                        BenchServer(database, app_module=VARIANTS[variant], output=output)
                    )
                for number in range(block, min(block + PAIRS_PER_START, args.rounds)):
                    measure_pair(servers, number, results, args)
        in_process = measure_in_process(database, log_folder, args.pairs)
        report = format_report(results, in_process, database, args, started, log_folder)

    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{started:%Y-%m-%d}-overhead.md").write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
