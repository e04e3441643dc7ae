"""How the agency's dashboard numbers are read: prepared, and from the hires index."""

import json

import pytest

from app import create_app
from app.extensions import db
from app.services import dashboard_stats
from app.services.autocommit import read_in_autocommit
from tests.conftest import make_config, statements_sent
from tests.test_dashboard import hiring  # noqa: F401 (a fixture)

STATS = "/api/dashboard/stats"
HIRES_INDEX = "ix_job_candidates_hired_time_to_hire"


def plan_nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def agency_plan(app):
    """EXPLAIN the agency statement with every scan but index-only scans turned off.

    The test tables hold a few rows, where any scan costs about the same and the
    planner's pick changes with the table's statistics. At the large seed size it
    picks the index-only scan on its own (migration 0013).
    """
    sql = dashboard_stats._agency_prepared().text.text
    with app.app_context():
        connection = db.session.connection()
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
        (plan,) = connection.exec_driver_sql("EXPLAIN (VERBOSE, FORMAT JSON) " + sql).scalar()
        db.session.rollback()
        db.session.remove()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan["Plan"]


def test_agency_hires_use_index_only_scan(app):
    scans = {node.get("Index Name"): node["Node Type"] for node in plan_nodes(agency_plan(app))}

    assert scans.get(HIRES_INDEX) == "Index Only Scan"


def test_time_to_hire_read_from_index(app):
    (scan,) = [
        node for node in plan_nodes(agency_plan(app)) if node.get("Index Name") == HIRES_INDEX
    ]

    # An output in parentheses is an index column's value, not computed per row.
    assert (
        "(date_part('epoch'::text, (job_candidates.stage_changed_at - job_candidates.created_at)))"
    ) in scan["Output"]


def test_agency_stats_sent_prepared(app, client, auth, make_job):
    # The token's first use records last_used_at in a transaction, and a
    # transaction gets the statement as text. The new job then makes the cached
    # numbers stale.
    client.get(STATS, headers=auth)
    make_job()

    def request_stats():
        response = client.get(STATS, headers=auth)
        assert response.status_code == 200

    sent = statements_sent(app, request_stats)

    assert dashboard_stats._agency_prepared().execute_sql in sent


def agency_numbers(application):
    with application.app_context():
        read_in_autocommit()
        numbers = dashboard_stats.dashboard_stats.uncached()
        db.session.remove()
    return numbers


@pytest.mark.usefixtures("hiring")
def test_agency_stats_same_unprepared(database_url, app):
    unprepared = create_app(make_config(database_url, DB_PREPARED_STATEMENTS=False))
    expected = agency_numbers(app)

    numbers = agency_numbers(unprepared)
    with unprepared.app_context():
        db.engine.dispose()

    # computed_at is the time of each statement.
    assert {**numbers, "computed_at": None} == {**expected, "computed_at": None}
