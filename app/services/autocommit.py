"""Reads outside a transaction block, for requests that only read.

A read-only request runs a few statements at PostgreSQL's default READ COMMITTED
level, where each statement takes its own snapshot anyway, so wrapping them in
BEGIN and ROLLBACK buys no consistency and costs two round trips per request. In
psycopg2's autocommit mode neither is sent, and its commit and rollback do
nothing while no transaction is open.

The mode is switched on the psycopg2 connection itself rather than through
SQLAlchemy's AUTOCOMMIT isolation level. With that level, SQLAlchemy sets the
default level back explicitly when the connection returns to the pool, so
psycopg2 sends a SET statement on the next switch to autocommit: a round trip
again.

The switch waits until the session begins a transaction on a connection, which
is before its first statement. A request rejected before it reads, such as a GET
without a token, then takes no connection, and gets its 401 even while the
database is down.

write_transaction() leaves this mode before it writes, so statements that must
commit together still do.
"""

from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from sqlalchemy import event

from app.extensions import db

SESSION_KEY = "reading_in_autocommit"


def read_in_autocommit():
    """Run the session's statements in autocommit mode until leave_autocommit()."""
    db.session.info[SESSION_KEY] = True


def leave_autocommit():
    """End autocommit mode, so that the next statement opens a transaction.

    The commit gives back the autocommit connection and sends nothing: in
    autocommit mode every statement so far has already ended. Objects already
    loaded stay loaded.
    """
    if db.session.info.pop(SESSION_KEY, False):
        db.session.commit()


def _start_autocommit(session, transaction, connection):
    if not session.info.get(SESSION_KEY) or transaction.nested:
        return
    dbapi_connection = connection.connection.dbapi_connection
    # psycopg2 rejects the switch inside a transaction block. A connection the
    # session has just checked out has run no statement yet, so it is idle.
    if dbapi_connection.get_transaction_status() == TRANSACTION_STATUS_IDLE:
        dbapi_connection.autocommit = True


def switch_on_begin(session):
    """Make ``session`` (db.session) switch the connections of marked sessions to autocommit.

    read_in_autocommit() marks a session. Registering twice adds no second listener.
    """
    if not event.contains(session, "after_begin", _start_autocommit):
        event.listen(session, "after_begin", _start_autocommit)


def _end_autocommit(dbapi_connection, record):
    # None when the pool has discarded the connection.
    if dbapi_connection is not None and dbapi_connection.autocommit:
        dbapi_connection.autocommit = False


def reset_on_checkin(engine):
    """Make ``engine``'s pool take every connection back out of autocommit mode."""
    event.listen(engine, "checkin", _end_autocommit)
