"""Sections that fail or time out give their database connection back to the pool.

These run the batch's greenlets in the test process, with psycopg2 made
cooperative as wsgi.py makes it, so a section blocked in PostgreSQL can be
interrupted.
"""

import psycopg2.extensions
import pytest
from psycogreen.gevent import gevent_wait_callback
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.services import dashboard_batch
from tests.conftest import make_config

SCOPE = {"client_id": None, "owner_id": None, "group_by": "job", "limit": 5}


@pytest.fixture
def cooperative_psycopg2():
    psycopg2.extensions.set_wait_callback(gevent_wait_callback)
    yield
    psycopg2.extensions.set_wait_callback(None)


def sleeping(scope, generation_map):
    db.session.execute(text("SELECT pg_sleep(5)"))


def failing(scope, generation_map):
    db.session.execute(text("SELECT 1"))
    raise RuntimeError("section failed after using its connection")


def gather_with(app, monkeypatch, section):
    """Run a batch whose stats section is ``section``; return (errors, checked out after)."""
    monkeypatch.setitem(dashboard_batch.SECTIONS, "stats", section)
    monkeypatch.setitem(app.config, "DASHBOARD_SECTION_TIMEOUT_S", 0.5)
    with app.test_request_context():
        _, errors = dashboard_batch.gather(["stats", "pipeline_summary"], SCOPE)
        db.session.remove()
        return errors, db.engine.pool.checkedout()


def checked_in(app):
    with app.app_context():
        return db.engine.pool.checkedin()


def test_timed_out_section_is_reported_as_timeout(app, monkeypatch, cooperative_psycopg2):
    errors, _ = gather_with(app, monkeypatch, sleeping)

    assert errors["stats"]["code"] == "timeout"


def test_timed_out_section_returns_its_connection(app, monkeypatch, cooperative_psycopg2):
    with app.app_context():
        before = db.engine.pool.checkedout()
    _, after = gather_with(app, monkeypatch, sleeping)

    assert after == before


def test_timed_out_section_leaves_checked_in_count(app, monkeypatch, cooperative_psycopg2):
    # Two sections, each on its own connection, open the pool's second connection.
    gather_with(app, monkeypatch, failing)
    before = checked_in(app)
    gather_with(app, monkeypatch, sleeping)

    assert checked_in(app) == before


def test_timed_out_section_query_is_cancelled(app, monkeypatch, cooperative_psycopg2):
    gather_with(app, monkeypatch, sleeping)
    with app.app_context():
        sleepers = db.session.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND query LIKE 'SELECT pg_sleep(5)%' AND state = 'active'"
            )
        ).scalar_one()
        db.session.remove()

    assert sleepers == 0


def test_failed_section_returns_its_connection(app, monkeypatch, cooperative_psycopg2):
    with app.app_context():
        before = db.engine.pool.checkedout()
    _, after = gather_with(app, monkeypatch, failing)

    assert after == before


def transaction_status(scope, generation_map):
    db.session.execute(text("SELECT 1"))
    return db.session.connection().connection.dbapi_connection.get_transaction_status()


def gather_status(app, monkeypatch, timeout_s):
    monkeypatch.setitem(dashboard_batch.SECTIONS, "stats", transaction_status)
    monkeypatch.setitem(app.config, "DASHBOARD_SECTION_TIMEOUT_S", timeout_s)
    with app.test_request_context():
        results, _ = dashboard_batch.gather(["stats"], SCOPE)
        db.session.remove()
    return results["stats"]


def test_section_reads_in_autocommit_under_connection_timeout(app, monkeypatch):
    # The connections cancel statements after DB_STATEMENT_TIMEOUT_MS, 5 s in tests.
    status = gather_status(app, monkeypatch, 5.0)

    assert status == psycopg2.extensions.TRANSACTION_STATUS_IDLE


def test_shorter_section_timeout_runs_in_a_transaction(app, monkeypatch):
    status = gather_status(app, monkeypatch, 0.5)

    assert status == psycopg2.extensions.TRANSACTION_STATUS_INTRANS


def sleeping_briefly(scope, generation_map):
    return db.session.execute(text("SELECT pg_sleep(0.5)")).scalar_one()


def test_longer_section_timeout_outlasts_connection_timeout(app, database_url, monkeypatch):
    """A section may run a statement past the connections' statement_timeout, up to its own."""
    slow_app = create_app(
        make_config(database_url, DB_STATEMENT_TIMEOUT_MS=200, DASHBOARD_SECTION_TIMEOUT_S=2.0)
    )
    monkeypatch.setitem(dashboard_batch.SECTIONS, "stats", sleeping_briefly)
    with slow_app.test_request_context():
        _, errors = dashboard_batch.gather(["stats"], SCOPE)
        db.session.remove()
        db.engine.dispose()

    assert errors == {}


def test_finish_result_is_the_section_result(app):
    with app.test_request_context():
        results, _ = dashboard_batch.gather(
            ["stats"], SCOPE, finish=lambda name, value: f"{name} finished"
        )
        db.session.remove()

    assert results == {"stats": "stats finished"}


def test_finish_runs_while_slower_sections_wait(app, monkeypatch, cooperative_psycopg2):
    events = []

    def slow(scope, generation_map):
        db.session.execute(text("SELECT pg_sleep(0.3)"))
        events.append("slow section computed")

    monkeypatch.setitem(dashboard_batch.SECTIONS, "pipeline_summary", slow)
    with app.test_request_context():
        dashboard_batch.gather(
            ["stats", "pipeline_summary"], SCOPE, finish=lambda name, value: events.append(name)
        )
        db.session.remove()

    assert events == ["stats", "slow section computed", "pipeline_summary"]


def test_failed_finish_is_a_section_error(app):
    def fail(name, value):
        raise ValueError("cannot serialize")

    with app.test_request_context():
        _, errors = dashboard_batch.gather(["stats"], SCOPE, finish=fail)
        db.session.remove()

    assert errors["stats"]["code"] == "section_failed"
