"""Benchmark of GET /api/search at the large seed size.

    .venv/bin/python -m bench.search [--seconds 10] [--clients 8] [--database ats_bench]

Loads the large seed into the scratch database, or reuses it, and serves the app
with gunicorn's gevent worker. The queries are one-word, two-word and prefix
queries, some taken from the data and some from the seed's vocabulary, and one
word that matches nothing. Each is measured through the endpoint with concurrent
keep-alive clients, then the naive way in the same run: an ``ILIKE '%word%'``
scan of the same fields through psycopg2, without HTTP, returning the same page
of 10 and total. Each query's SQL is run once under EXPLAIN ANALYZE to show which
indexes serve it. A second table gives the least PostgreSQL time in which each
query's first 10, 50 and 200 matches can be found, without ranking them. The
report goes to bench/results/<date>-search.md and to standard output. See
bench/README.md.
"""

from gevent import monkey

monkey.patch_all()

from psycogreen.gevent import patch_psycopg  # noqa: E402

patch_psycopg()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import itertools  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import urllib.parse  # noqa: E402

import psycopg2  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.services import search as search_service  # noqa: E402
from app.services.autocommit import read_in_autocommit  # noqa: E402
from bench.load import http_load, measure_with_cpu, sql_load  # noqa: E402
from bench.machine import machine_line, speed_probe_ms  # noqa: E402
from bench.reports import write_report  # noqa: E402
from bench.server import DATABASE_NAME, SECRET_KEY, BenchDatabase, BenchServer  # noqa: E402
from config import Config, database_url  # noqa: E402

PAGE_SIZE = 10
P95_TARGET_MS = 20
MIN_SPEEDUP = 50
# A GIN index scan that ran: a node that never ran shows "(never executed)" in
# place of its actual time.
GIN_INDEX = re.compile(r"Bitmap Index Scan on (ix_\w+_search_(?:vector|names)) \(actual")
# A sequential scan, its actual rows and the rows its filter removed. Search
# stops a scan at the ranking cap, so the rows read tell a short scan from a
# full one.
SEQUENTIAL_SCAN = re.compile(
    r"Seq Scan on (candidates|jobs) .*?actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=1\)"
    r"(?:\n.*Filter: .*\n\s*Rows Removed by Filter: (\d+))?"
)

# The naive search: every word must occur somewhere in the same fields, by a
# case-insensitive substring scan, with the same page size and total.
ILIKE_SQL = """
SELECT type, id, title, count(*) OVER () AS total FROM (
    SELECT 'candidate' AS type, id, first_name || ' ' || last_name AS title
    FROM candidates
    WHERE concat_ws(' ', first_name, last_name, email, current_title, current_company,
                    array_to_string(skills, ' '), location) ILIKE ALL (%(patterns)s)
    UNION ALL
    SELECT 'job', j.id, j.title
    FROM jobs AS j JOIN clients AS c ON c.id = j.client_id
    WHERE concat_ws(' ', j.title, j.description, j.location, c.name) ILIKE ALL (%(patterns)s)
    UNION ALL
    SELECT 'client', id, name
    FROM clients
    WHERE concat_ws(' ', name, industry) ILIKE ALL (%(patterns)s)
) AS matches
ORDER BY title, id
LIMIT 10
"""


def pick_queries(database):
    """Return ``{label: query}``: names and a city taken from the data, words from the vocabulary.

    The last query's word is absent from the large seed, whose places are
    invented US cities, so its row shows what a search costs when it finds nothing.
    """
    first_name, last_name = database.query(
        "SELECT first_name, last_name FROM candidates ORDER BY id LIMIT 1 OFFSET 123456"
    )[0]
    # The city of most Python candidates, among city names of letters only. A
    # location without a comma, such as "Remote", is no city.
    (city,) = database.query(
        """
        SELECT lower(split_part(location, ',', 1)) AS city FROM candidates
        WHERE 'Python' = ANY (skills) AND strpos(location, ',') > 0
          AND split_part(location, ',', 1) ~ '^[[:alpha:]]+$'
        GROUP BY city ORDER BY count(*) DESC, city LIMIT 1
        """
    )[0]
    return {
        "one word, a last name": last_name.lower(),
        "one word, a skill": "kubernetes",
        "one word, a title word": "engineer",
        "two words, a full name": f"{first_name} {last_name}".lower(),
        "two words, title words": "senior engineer",
        "two words, skill and city": f"python {city}",
        "prefix, a name": last_name[:3].lower(),
        "prefix, a skill": "jav",
        "prefix, second word": f"{first_name} {last_name[:3]}".lower(),
        "prefix, a common second word": "python eng",
        "one word, no match": "london",
    }


# Search-as-you-type sends a new text on almost every keystroke. These texts
# outnumber the parses that each worker keeps (1,024), so most requests of
# the typed measurement parse their text and estimate its anchor.
TYPED_TEXTS = 6000


def typed_texts(database):
    """Return distinct texts: a first name and the first 3 or more letters of a last name."""
    names = database.query(
        "SELECT lower(first_name), lower(last_name) FROM candidates ORDER BY id LIMIT %s",
        (TYPED_TEXTS * 2,),
    )
    texts = {}
    for number, (first_name, last_name) in enumerate(names):
        cut = 3 + number % max(1, len(last_name) - 2)
        texts[f"{first_name} {last_name[:cut]}"] = None
    return list(texts)[:TYPED_TEXTS]


def measure_typed(server, token, texts, args):
    headers = {"Authorization": f"Bearer {token}"}
    paths = itertools.cycle(
        "/api/search?" + urllib.parse.urlencode({"q": text, "limit": PAGE_SIZE}) for text in texts
    )
    return http_load(
        "127.0.0.1",
        server.port,
        None,
        headers,
        clients=args.clients,
        seconds=args.seconds,
        paths=paths,
    )


def ilike_patterns(query):
    words = query.split()
    escaped = [re.sub(r"([%_\\])", r"\\\1", word) for word in words]
    return [f"%{word}%" for word in escaped]


def explain_search(app, query):
    """Run the search service once and EXPLAIN ANALYZE its main statement; return the plan.

    The search runs in autocommit mode, as it does in a request, so that the page
    statement is the prepared one with its generic plan (app/services/prepared.py),
    not a plan made for the query's values.
    """
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            read_in_autocommit()
            search_service.search(query, limit=PAGE_SIZE, offset=0)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        statement, parameters = statements[-1]
        cursor = db.session.connection().connection.cursor()
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement, parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.close()
        db.session.remove()
    return plan


def summarize_plan(plan):
    indexes = sorted(set(GIN_INDEX.findall(plan)))
    scans = [
        f"{table} ({int(returned) + int(removed or 0):,} rows read)"
        for table, returned, removed in SEQUENTIAL_SCAN.findall(plan)
    ]
    execution = re.search(r"Execution Time: ([\d.]+) ms", plan)
    parts = [f"GIN: {', '.join(indexes) or 'NONE'}"]
    if scans:
        parts.append(f"sequential scan of {', '.join(scans)}")
    if execution:
        parts.append(f"executed in {float(execution.group(1)):.1f} ms")
    return "; ".join(parts)


def measure(server, database, token, query, args):
    """Load the API with ``query``, then the ILIKE scan.

    Return the API's result, the machine's CPU milliseconds per API request, and
    the ILIKE scan's result.
    """
    headers = {"Authorization": f"Bearer {token}"}
    path = "/api/search?" + urllib.parse.urlencode({"q": query, "limit": PAGE_SIZE})
    api = measure_with_cpu(query, server, path, headers, clients=args.clients, seconds=args.seconds)
    statements = [(ILIKE_SQL, {"patterns": ilike_patterns(query)})]
    naive = sql_load(database.libpq_url, statements, clients=args.clients, seconds=args.seconds)
    return api.result, api.machine_ms, naive


# The minimum time that finding a query's first matches takes, before any ranking:
# the first N rows of a table that match, by the fastest of up to three access paths.
DEPTHS = (10, 50, 200)
DEPTH_TABLES = ("candidates", "jobs")
DEPTH_RUNS = 5
FIRST_MATCHES = "SELECT id FROM {table} WHERE {condition} LIMIT %(depth)s"
# Each path's settings and condition, and whether it needs the words before a
# typed prefix. IS TRUE keeps the index out of a condition, as in
# app/services/search.py.
ACCESS_PATHS = {
    "GIN": ("SET LOCAL enable_seqscan = off", "search_vector @@ %(query)s::tsquery", False),
    "GIN on the words before the prefix": (
        "SET LOCAL enable_seqscan = off",
        "search_vector @@ %(anchor)s::tsquery AND (search_vector @@ %(query)s::tsquery) IS TRUE",
        True,
    ),
    "sequential scan": (
        "SET LOCAL enable_bitmapscan = off",
        "(search_vector @@ %(query)s::tsquery) IS TRUE",
        False,
    ),
}


def parsed_query(app, query):
    """Return the tsquery and the anchor (or None) that the search service builds for ``query``."""
    with app.app_context():
        parsed = search_service.parse_in_database(db.engine.url, query)
        db.session.remove()
    return None if parsed is None else (parsed.query, parsed.anchor)


def execution_ms(cursor, settings, sql, params):
    """Return the median execution time in ms of ``sql`` under ``settings``, after a warm-up."""
    times = []
    for _ in range(DEPTH_RUNS + 1):
        cursor.execute("BEGIN")
        cursor.execute(settings)
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
        cursor.execute("ROLLBACK")
        # psycopg2 parses the json column.
        times.append(plan[0]["Execution Time"])
    return statistics.median(times[1:])


def first_matches_ms(database, tsquery, anchor):
    """Return ``{depth: (ms, {table: path})}``: the best paths' times, summed over the tables."""
    connection = psycopg2.connect(database.libpq_url)
    connection.autocommit = True
    found = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            for depth in DEPTHS:
                total, paths = 0.0, {}
                for table in DEPTH_TABLES:
                    timed = {
                        name: execution_ms(
                            cursor,
                            settings,
                            FIRST_MATCHES.format(table=table, condition=condition),
                            {"query": tsquery, "anchor": anchor, "depth": depth},
                        )
                        for name, (settings, condition, needs_anchor) in ACCESS_PATHS.items()
                        if anchor is not None or not needs_anchor
                    }
                    best = min(timed, key=timed.get)
                    total += timed[best]
                    paths[table] = best
                found[depth] = (total, paths)
    finally:
        connection.close()
    return found


def format_typed(typed, count):
    return (
        f"\nAs typed: {count:,} distinct texts, each a first name from the data and the"
        " first 3 or more letters of a last name, sent in turn by the same clients for"
        f" {typed.seconds:.0f} s. Few repeat within a worker, so most requests parse their"
        " text and estimate its anchor, which the table's repeated queries skip:"
        f" {typed.rate:.0f} req/s, p50 {typed.median:.1f} ms, p95"
        f" {typed.percentile(0.95):.1f} ms, {typed.errors} errors.\n"
    )


def format_report(rows, database, args, started, probes):
    lines = [
        f"# Search at the large seed size, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `.venv/bin/python -m bench.search --seconds {args.seconds}"
        f" --clients {args.clients}`",
        machine_line(
            database,
            "load generator, gunicorn (2 gevent workers) and PostgreSQL share the machine",
            probes,
        ),
        f"- Data: {database.row_counts}",
        f"- Load: {args.clients} closed-loop clients per measurement, {args.seconds} s each;"
        f" the API after 1 s of warm-up. Pages of {PAGE_SIZE}.",
        f"- Targets: API p95 under {P95_TARGET_MS} ms; API at least {MIN_SPEEDUP}x faster"
        " (p50) than the ILIKE scan, which runs as raw SQL without HTTP.",
        "- Machine CPU ms per request: the busy time of all cores during the API's"
        " measurement, load generator included, over its requests. While both cores are"
        " busy, it is about 2 cores divided by the request rate.",
        "",
        "| query | q | API req/s | API p50 ms | API p95 ms | machine CPU ms per request"
        " | ILIKE p50 ms | ILIKE p95 ms | speedup (p50) | errors | plan |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, query, api, machine_ms, naive, plan in rows:
        speedup = naive.median / api.median
        lines.append(
            f"| {label} | `{query}` | {api.rate:.0f} | {api.median:.1f}"
            f" | {api.percentile(0.95):.1f} | {machine_ms:.2f} | {naive.median:.0f}"
            f" | {naive.percentile(0.95):.0f} | {speedup:.0f}x | {api.errors + naive.errors}"
            f" | {plan} |"
        )
    return "\n".join(lines) + "\n"


def format_depths(depths):
    """Return the report's section on the time that finding the first matches takes."""
    lines = [
        "",
        "## Finding the first matches, without ranking",
        "",
        f"The least PostgreSQL execution time in which each query's first {DEPTHS[0]},"
        f" {DEPTHS[1]} and {DEPTHS[2]} matching rows of {' and '.join(DEPTH_TABLES)} are"
        " found, in each table's storage order and without ranking. Per table, the"
        " fastest of these paths counts: a GIN bitmap scan on the whole query, one on the"
        " words before a typed prefix (only where the query has such words), and a"
        " sequential scan that stops at the count. Each path's time is the median of"
        f" {DEPTH_RUNS} runs on one connection, without parallel workers, while the"
        " benchmark's server is stopped. Search ranks up to `SEARCH_MAX_RANKED_MATCHES`"
        " matches per table (200 by default), so the 200 column is a floor of the work"
        " of its any-match passes, before ranking, highlights and clients. A query whose"
        " matches within names fill that cap skips the any-match pass of candidates and"
        " reads the smaller index of names instead, so for such a query the column"
        " overstates the work.",
        "",
        "| q | first 10 ms | first 50 ms | first 200 ms | fastest paths for 200 |",
        "|---|---|---|---|---|",
    ]
    for query, found in depths:
        if found is None:
            lines.append(f"| `{query}` | nothing to search | | | |")
            continue
        times = " | ".join(f"{found[depth][0]:.2f}" for depth in DEPTHS)
        paths = "; ".join(f"{table}: {path}" for table, path in found[DEPTHS[-1]][1].items())
        lines.append(f"| `{query}` | {times} | {paths} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Benchmark GET /api/search.")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument(
        "--database", default=DATABASE_NAME, help="scratch database holding the large seed"
    )
    parser.add_argument("--port", type=int, default=0, help="gunicorn port; 0 picks a free one")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    probe_before = speed_probe_ms()

    database = BenchDatabase.prepare(name=args.database)
    config = type(
        "BenchSearchConfig",
        (Config,),
        {"SQLALCHEMY_DATABASE_URI": database_url(database.url), "SECRET_KEY": SECRET_KEY},
    )
    app = create_app(config)
    queries = pick_queries(database)

    server = BenchServer(database)
    if args.port:
        server.port = args.port
    rows = []
    with server:
        for label, query in queries.items():
            plan = summarize_plan(explain_search(app, query))
            api, machine_ms, naive = measure(server, database, server.token, query, args)
            rows.append((label, query, api, machine_ms, naive, plan))
            print(f"measured {label}: {query!r}", flush=True)
        texts = typed_texts(database)
        typed = measure_typed(server, server.token, texts, args)
        print(f"measured {len(texts):,} typed texts", flush=True)

    depths = []
    for query in queries.values():
        parsed = parsed_query(app, query)
        depths.append((query, None if parsed is None else first_matches_ms(database, *parsed)))
    probes = (probe_before, speed_probe_ms())
    report = (
        format_report(rows, database, args, started, probes)
        + format_typed(typed, len(texts))
        + format_depths(depths)
    )
    write_report("search", started, report)


if __name__ == "__main__":
    sys.exit(main())
