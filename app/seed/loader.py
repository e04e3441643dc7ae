"""Load generated seed data into an empty database with COPY, reporting progress.

Secondary indexes of the domain tables are dropped before the load and rebuilt
after it, because building an index once is several times faster than updating it
row by row. The users table keeps its indexes, so logins still work meanwhile.
Everything runs in one transaction: a failed or interrupted load leaves the
database as it was.
"""

import time

from psycopg2 import sql

from app.caching.generations import FAMILIES
from app.seed.copy import copy_rows

# Tables that must be empty before a seed. Activities are not among them: creating
# the first admin already logs one.
RECRUITING_TABLES = ("clients", "jobs", "candidates", "job_candidates")
DOMAIN_TABLES = (*RECRUITING_TABLES, "activities")
# Filled by triggers on jobs and job_candidates as those tables load.
COUNTER_TABLES = (
    "job_pipeline_counts",
    "candidate_active_counts",
    "dashboard_counters",
    "application_days",
)
SEEDED_TABLES = ("users", *DOMAIN_TABLES, *COUNTER_TABLES)


def existing_rows(cursor):
    """Return ``{table: bool}``, true for each recruiting table that contains rows."""
    found = {}
    for table in RECRUITING_TABLES:
        cursor.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table)))
        found[table] = cursor.fetchone()[0]
    return found


def reset(cursor):
    """Empty the domain tables and remove the recruiters an earlier seed created."""
    cursor.execute(
        "TRUNCATE activities, job_candidates, jobs, candidates, clients, "
        + ", ".join(COUNTER_TABLES)
        + " RESTART IDENTITY"
    )
    cursor.execute("DELETE FROM users WHERE email LIKE '%%@agency.example' AND password_hash = '!'")


def _droppable_indexes(cursor):
    """Return ``(name, definition)`` of the indexes that no constraint owns."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef
        FROM pg_indexes i
        WHERE i.schemaname = current_schema()
          AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ORDER BY i.indexname
        """,
        (list(DOMAIN_TABLES),),
    )
    return cursor.fetchall()


def load(connection, generator, report):
    """Generate and COPY every table through ``connection`` (a psycopg2 connection).

    ``report`` receives progress lines. Returns ``{table: row count}``.
    """
    counts = {}
    with connection.cursor() as cursor:
        # The app's per-statement timeout guards requests; a COPY of millions of rows
        # legitimately takes minutes, and generating the next table's rows leaves the
        # transaction idle for a while.
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")

        indexes = _droppable_indexes(cursor)
        for name, _ in indexes:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))

        steps = (
            ("users", generator.USER_COLUMNS, generator.users, generator.size.recruiters),
            ("clients", generator.CLIENT_COLUMNS, generator.clients, generator.size.clients),
            ("jobs", generator.JOB_COLUMNS, generator.jobs, generator.size.jobs),
            (
                "candidates",
                generator.CANDIDATE_COLUMNS,
                generator.candidates,
                generator.size.candidates,
            ),
            (
                "job_candidates",
                generator.APPLICATION_COLUMNS,
                generator.applications,
                generator.size.applications,
            ),
        )
        for table, columns, rows, expected in steps:
            counts[table] = _copy_table(cursor, table, columns, rows(), expected, report)

        # Seeded activities are numbered after any existing ones, as if committed now.
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM activities")
        first_id = cursor.fetchone()[0] + 1
        expected = generator.activity_count()
        counts["activities"] = _copy_table(
            cursor,
            "activities",
            generator.ACTIVITY_COLUMNS,
            generator.activity_rows(first_id),
            expected,
            report,
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('activities', 'id'), "
            "(SELECT COALESCE(MAX(id), 0) + 1 FROM activities), false)"
        )

        started = time.monotonic()
        for _, definition in indexes:
            cursor.execute(definition)
        report(f"rebuilt {len(indexes)} indexes in {time.monotonic() - started:.1f}s")
        # Cached dashboards of the data this replaced must not be served again.
        cursor.execute(
            "UPDATE cache_generations SET generation = generation + 1 WHERE family = ANY(%s)",
            (list(FAMILIES),),
        )

    connection.commit()

    # Fresh statistics give the first queries good plans, and a set visibility map
    # lets the count subqueries use index-only scans. VACUUM cannot run inside a
    # transaction block.
    started = time.monotonic()
    # The psycopg2 connection itself: a pool proxy does not pass autocommit on.
    driver_connection = getattr(connection, "driver_connection", connection)
    driver_connection.autocommit = True
    try:
        with driver_connection.cursor() as cursor:
            # Outside the load's transaction, so its SET LOCAL no longer applies; at
            # the large size the VACUUM can outlast the app's statement timeout.
            # RESET returns to the connection's own timeout before the pool reuses it.
            cursor.execute("SET statement_timeout = 0")
            tables = sql.SQL(", ").join(map(sql.Identifier, SEEDED_TABLES))
            cursor.execute(sql.SQL("VACUUM (ANALYZE) {}").format(tables))
            cursor.execute("RESET statement_timeout")
    finally:
        driver_connection.autocommit = False
    report(f"vacuumed and analyzed tables in {time.monotonic() - started:.1f}s")
    return counts


def _copy_table(cursor, table, columns, rows, expected, report):
    started = time.monotonic()

    def on_rows(done):
        elapsed = time.monotonic() - started
        report(f"  {table}: {done:,} of {expected:,} rows, {done / elapsed:,.0f} rows/s")

    count = copy_rows(cursor, table, columns, rows, on_rows=on_rows)
    report(f"{table}: {count:,} rows in {time.monotonic() - started:.1f}s")
    return count
