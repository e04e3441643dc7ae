"""GET and HEAD requests read without a transaction block; writes still commit atomically."""

import pytest
from psycopg2.extensions import TRANSACTION_STATUS_IDLE, TRANSACTION_STATUS_INTRANS
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Client
from app.services.autocommit import read_in_autocommit
from app.services.transaction import write_transaction


@pytest.fixture
def transaction_states(app):
    """Record psycopg2's transaction status after each statement that the app runs."""
    states = []

    def record(conn, cursor, statement, parameters, context, executemany):
        states.append(cursor.connection.get_transaction_status())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", record)
    yield states
    event.remove(engine, "after_cursor_execute", record)


def test_get_runs_outside_a_transaction(client, auth, make_client_record, transaction_states):
    make_client_record()
    client.get("/api/clients", headers=auth)
    transaction_states.clear()

    response = client.get("/api/clients", headers=auth)

    assert response.status_code == 200
    assert transaction_states
    assert set(transaction_states) == {TRANSACTION_STATUS_IDLE}


def test_post_runs_in_a_transaction(client, auth, transaction_states):
    response = client.post("/api/clients", json={"name": "Transactional"}, headers=auth)

    assert response.status_code == 201
    assert TRANSACTION_STATUS_INTRANS in transaction_states


def test_pooled_connection_leaves_autocommit_on_return(app, client, auth):
    client.get("/api/clients", headers=auth)

    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            assert raw.dbapi_connection.autocommit is False
        finally:
            raw.close()


def count_clients(app, name):
    with app.app_context():
        count = db.session.scalar(select(func.count()).where(Client.name == name))
        db.session.remove()
    return count


def test_failed_write_after_read_rolls_back(app):
    with app.test_request_context("/api/clients"):
        read_in_autocommit()
        db.session.scalar(select(func.count()).select_from(Client))
        with pytest.raises(RuntimeError), write_transaction():
            db.session.add(Client(name="Never committed"))
            db.session.flush()
            raise RuntimeError("fail after the first write")
        db.session.remove()

    assert count_clients(app, "Never committed") == 0


def test_write_after_read_commits(app):
    with app.test_request_context("/api/clients"):
        read_in_autocommit()
        db.session.scalar(select(func.count()).select_from(Client))
        with write_transaction():
            db.session.add(Client(name="Committed after a read"))
        db.session.remove()

    assert count_clients(app, "Committed after a read") == 1


def test_get_without_token_takes_no_connection(app, client):
    checkouts = []

    def record(dbapi_connection, record, proxy):
        checkouts.append(dbapi_connection)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "checkout", record)
    try:
        response = client.get("/api/clients")
    finally:
        event.remove(engine, "checkout", record)

    # During a database outage, a connection attempt would turn this 401 into a 503.
    assert response.status_code == 401
    assert checkouts == []
