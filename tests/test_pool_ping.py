"""The pool pings a connection before use only after it sat idle past the threshold."""

import time

import psycopg2
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.extensions import db
from tests.conftest import _libpq_url, make_config


def terminate(database_url, pid):
    connection = psycopg2.connect(_libpq_url(database_url))
    connection.autocommit = True
    with connection.cursor() as cursor:
        # With a timeout, PostgreSQL 14 and newer return once the backend has exited.
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    connection.close()


def backend_pid(engine):
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


@pytest.fixture
def make_engine(database_url):
    engines = []

    def make(idle_seconds, pool_size=1):
        application = create_app(
            make_config(database_url, DB_PING_AFTER_IDLE_S=idle_seconds, DB_POOL_SIZE=pool_size)
        )
        with application.app_context():
            engine = db.engine
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def count_pings(monkeypatch):
    pings = []

    def spy(engine):
        original = engine.dialect.do_ping

        def do_ping(dbapi_connection):
            pings.append(dbapi_connection)
            return original(dbapi_connection)

        monkeypatch.setattr(engine.dialect, "do_ping", do_ping)
        return pings

    return spy


def test_connection_idle_past_threshold_is_replaced_when_dead(make_engine, database_url):
    engine = make_engine(0.2)
    first = backend_pid(engine)
    terminate(database_url, first)
    time.sleep(0.4)

    assert backend_pid(engine) != first


def test_recently_returned_connection_is_not_pinged(make_engine, count_pings):
    engine = make_engine(60)
    backend_pid(engine)
    pings = count_pings(engine)

    backend_pid(engine)

    assert pings == []


def test_idle_connection_is_pinged(make_engine, count_pings):
    engine = make_engine(0.1)
    backend_pid(engine)
    pings = count_pings(engine)
    time.sleep(0.2)

    backend_pid(engine)

    assert len(pings) == 1


def test_zero_threshold_pings_every_checkout(make_engine, count_pings):
    engine = make_engine(0)
    backend_pid(engine)
    pings = count_pings(engine)

    backend_pid(engine)

    assert len(pings) == 1


def test_failed_ping_replaces_recent_connections(make_engine, database_url):
    engine = make_engine(0.5, pool_size=2)
    idle = engine.connect()
    recent = engine.connect()
    pids = [
        connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        for connection in (idle, recent)
    ]
    idle.close()
    time.sleep(0.7)
    recent.close()
    for pid in pids:
        terminate(database_url, pid)

    # QueuePool hands out the connection returned first. Its ping fails, so the
    # pool must also replace the recent one, which it would not ping.
    with engine.connect() as first, engine.connect() as second:
        first.execute(text("SELECT 1"))
        try:
            second.execute(text("SELECT 1"))
            second_failed = False
        except DBAPIError:
            second_failed = True

    assert second_failed is False
