"""EXPLAIN the first page of every list, for every sort and each filter alone.

The SQL is what the services really send: each list function runs inside an app
context while an engine listener records its statements, which are then
explained with their parameters. A plan that scans jobs, candidates or
job_candidates sequentially is flagged.
"""

import itertools
import re

from sqlalchemy import event

from app import create_app
from app.extensions import db
from app.services import candidates, clients, job_candidates, jobs
from bench.server import SECRET_KEY
from config import Config, database_url

BIG_TABLES = ("jobs", "candidates", "job_candidates")
SEQUENTIAL_SCAN = re.compile(r"Seq Scan on (\w+)")


def _filter_values(database):
    rows = database.query(
        """
        SELECT (SELECT client_id FROM jobs GROUP BY client_id ORDER BY count(*) DESC LIMIT 1),
               (SELECT owner_id FROM jobs LIMIT 1),
               (SELECT candidate_id FROM job_candidates LIMIT 1),
               (SELECT max(created_at) - interval '30 days' FROM jobs)
        """
    )
    client_id, owner_id, candidate_id, recent = rows[0]
    return {
        "jobs": [
            {},
            {"status": ["open"]},
            {"status": ["open", "on_hold"]},
            {"client_id": client_id},
            {"owner_id": owner_id},
            {"created_after": recent},
            {"updated_after": recent},
        ],
        "candidates": [
            {},
            {"source": "referral"},
            {"skill": "Python"},
            {"created_after": recent},
            {"updated_after": recent},
        ],
        "job_candidates": [
            {},
            {"job_id": database.busiest_job_id()},
            {"candidate_id": candidate_id},
            {"stage": ["interview"]},
            {"updated_after": recent},
        ],
        "clients": [{}, {"created_after": recent}],
    }


def first_page_plans(database):
    """Return one summary line per list, naming any plan with a sequential scan."""
    config = type(
        "ExplainConfig",
        (Config,),
        {"SQLALCHEMY_DATABASE_URI": database_url(database.url), "SECRET_KEY": SECRET_KEY},
    )
    app = create_app(config)
    values = _filter_values(database)
    lists = {
        "jobs": jobs.list_jobs,
        "candidates": candidates.list_candidates,
        "job_candidates": job_candidates.list_applications,
        "clients": clients.list_clients,
    }
    sortings = {
        "jobs": jobs.SORTING,
        "candidates": candidates.SORTING,
        "job_candidates": job_candidates.SORTING,
        "clients": clients.SORTING,
    }
    lines = []
    with app.app_context():
        for name, list_function in lists.items():
            checked = 0
            offenders = []
            combinations = itertools.product(sortings[name].columns, ("asc", "desc"), values[name])
            for sort_by, sort_order, filters in combinations:
                arguments = {"limit": 50, "sort_by": sort_by, "sort_order": sort_order, **filters}
                statements = _capture(list_function, arguments)
                for statement, parameters in statements:
                    checked += 1
                    plan = _explain(statement, parameters)
                    scanned = set(SEQUENTIAL_SCAN.findall(plan)) & set(BIG_TABLES)
                    if scanned:
                        tables = ", ".join(sorted(scanned))
                        offenders.append(f"sortBy={sort_by} {sort_order} {filters}: {tables}")
            verdict = "no sequential scan of jobs, candidates or job_candidates"
            if offenders:
                verdict = "SEQUENTIAL SCANS: " + "; ".join(offenders)
            lines.append(f"{name}: {checked} statements explained, {verdict}")
        db.session.remove()
        db.engine.dispose()
    return lines


def _capture(function, arguments):
    """Call ``function(**arguments)`` and return the SELECT statements it sent."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        function(**arguments)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


def _explain(statement, parameters):
    connection = db.session.connection()
    cursor = connection.connection.cursor()
    cursor.execute("EXPLAIN " + statement, parameters)
    plan = "\n".join(row[0] for row in cursor.fetchall())
    cursor.close()
    return plan
