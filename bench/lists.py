"""Benchmark of the list endpoints at the large seed size.

    .venv/bin/python -m bench.lists [--seconds 10] [--clients 8]

Loads the large seed into the scratch database `ats_bench`, or reuses it. Checks
with EXPLAIN that no first page scans jobs, candidates or applications
sequentially. Serves the app with gunicorn's gevent worker and drives each list
from this process with concurrent keep-alive clients.

Each list is measured four ways in the same run. These are the API's first page,
the API's page 1,000 through a cursor, and the naive pattern: OFFSET pagination
with relations and counts loaded row by row. The fourth is the raw SQL floor, the
page's queries through psycopg2. The report goes to
bench/results/<date>-lists.md and to standard output. See bench/README.md.
"""

from gevent import monkey

monkey.patch_all()

from app.gevent_psycopg import patch_psycopg  # noqa: E402

patch_psycopg()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402

from bench import raw_sql  # noqa: E402
from bench.explain import first_page_plans  # noqa: E402
from bench.load import http_load, sql_load  # noqa: E402
from bench.machine import machine_line, speed_probe_ms  # noqa: E402
from bench.reports import write_report  # noqa: E402
from bench.server import BenchDatabase, BenchServer  # noqa: E402

PAGE_SIZE = 50
DEEP_PAGE = 1000


def get_json(server, path, token):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} returned {response.status}: {body}")
    return body


def deep_position(server, path, token, page_number):
    """Walk to ``page_number`` with cursors; return (page, cursor, last row of the page before).

    Stops at the last page when the list is shorter.
    """
    cursor = None
    previous_last = None
    separator = "&" if "?" in path else "?"
    for number in range(1, page_number + 1):
        query = f"{separator}limit={PAGE_SIZE}" + (f"&cursor={cursor}" if cursor else "")
        body = get_json(server, path + query, token)
        if number == page_number or not body["hasNextPage"]:
            return number, cursor, previous_last
        previous_last = body["data"][-1]
        cursor = body["nextCursor"]
    raise AssertionError("unreachable")


def keyset_after(row):
    """Return the (created_at, id) position just after ``row``, for the raw SQL floor."""
    if row is None:
        return None
    created = dt.datetime.fromisoformat(row["createdAt"].replace("Z", "+00:00"))
    return (created, row["id"])


def measure_list(server, database, token, name, path, naive_path, raw_queries, args):
    """Measure one list four ways; return a dict of Results and the deep page reached."""
    headers = {"Authorization": f"Bearer {token}"}
    separator = "&" if "?" in path else "?"
    page, cursor, before_deep = deep_position(server, path, token, DEEP_PAGE)
    deep_query = f"{separator}limit={PAGE_SIZE}" + (f"&cursor={cursor}" if cursor else "")

    def http(target):
        http_load("127.0.0.1", server.port, target, headers, clients=args.clients, seconds=1)
        return http_load(
            "127.0.0.1", server.port, target, headers, clients=args.clients, seconds=args.seconds
        )

    results = {
        "api first page": http(f"{path}{separator}limit={PAGE_SIZE}"),
        f"api page {page} (cursor)": http(path + deep_query),
        f"naive page {page} (offset)": http(f"{naive_path}?limit={PAGE_SIZE}&page={page}"),
        "raw sql first page": sql_load(
            database.libpq_url, raw_queries(None), clients=args.clients, seconds=args.seconds
        ),
        f"raw sql page {page}": sql_load(
            database.libpq_url,
            raw_queries(keyset_after(before_deep)),
            clients=args.clients,
            seconds=args.seconds,
        ),
    }
    print(f"measured {name}", flush=True)
    return results, page


def format_report(measurements, plans, database, args, started, probes):
    lines = [
        f"# List endpoints at the large seed size, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `.venv/bin/python -m bench.lists --seconds {args.seconds}"
        f" --clients {args.clients}`",
        machine_line(
            database,
            "load generator, gunicorn (2 gevent workers) and PostgreSQL share the machine",
            probes,
        ),
        f"- Data: {database.row_counts}",
        f"- Load: {args.clients} closed-loop clients per measurement, {args.seconds} s"
        f" each after 1 s of warm-up; pages of {PAGE_SIZE}.",
        "",
        "| list | variant | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, (results, _) in measurements.items():
        for variant, result in results.items():
            lines.append(
                f"| {name} | {variant} | {result.rate:.0f} | {result.median:.1f}"
                f" | {result.percentile(0.95):.1f} | {result.percentile(0.99):.1f}"
                f" | {result.errors} |"
            )
    lines += [
        "",
        "Ratios of p50 latencies (higher is better for the first two):",
        "",
        "| list | naive / api first page | naive / api same page | api / raw sql (first page)"
        " | deep / first page (api) |",
        "|---|---|---|---|---|",
    ]
    for name, (results, page) in measurements.items():
        first = results["api first page"].median
        deep = results[f"api page {page} (cursor)"].median
        naive = results[f"naive page {page} (offset)"].median
        raw = results["raw sql first page"].median
        lines.append(
            f"| {name} | {naive / first:.1f}x | {naive / deep:.1f}x | {first / raw:.1f}x"
            f" | {deep / first:.2f} |"
        )
    lines += ["", "EXPLAIN of first pages (sequential scans of big tables are flagged):", ""]
    lines += [f"- {line}" for line in plans]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Benchmark the list endpoints.")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    probe_before = speed_probe_ms()

    database = BenchDatabase.prepare()
    plans = first_page_plans(database)
    print("\n".join(plans), flush=True)

    with BenchServer(database) as server:
        token = server.token
        busiest = database.busiest_job_id()
        # list: (API path, naive path, raw queries for a keyset position)
        lists = {
            "GET /api/jobs": (
                "/api/jobs",
                "/bench/naive/jobs",
                lambda after: raw_sql.jobs(PAGE_SIZE, after),
            ),
            "GET /api/candidates": (
                "/api/candidates",
                "/bench/naive/candidates",
                lambda after: raw_sql.candidates(PAGE_SIZE, after),
            ),
            "GET /api/jobs/{id}/candidates": (
                f"/api/jobs/{busiest}/candidates",
                f"/bench/naive/jobs/{busiest}/candidates",
                lambda after: raw_sql.pipeline(busiest, PAGE_SIZE, after),
            ),
            "GET /api/clients": (
                "/api/clients",
                "/bench/naive/clients",
                lambda after: raw_sql.clients(PAGE_SIZE, after),
            ),
            "GET /api/job-candidates": (
                "/api/job-candidates",
                "/bench/naive/job-candidates",
                lambda after: raw_sql.applications(PAGE_SIZE, after),
            ),
        }
        measurements = {}
        for name, (path, naive_path, queries) in lists.items():
            measurements[name] = measure_list(
                server, database, token, name, path, naive_path, queries, args
            )

    probes = (probe_before, speed_probe_ms())
    report = format_report(measurements, plans, database, args, started, probes)
    write_report("lists", started, report)


if __name__ == "__main__":
    sys.exit(main())
