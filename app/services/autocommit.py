"""Reads outside a transaction block, for requests that only read.

A read-only request runs a few statements at PostgreSQL's default READ COMMITTED
level, where each statement takes its own snapshot anyway, so wrapping them in
BEGIN and ROLLBACK buys no consistency and costs two round trips per request. In
psycopg2's autocommit mode neither is sent, and its commit and rollback do
nothing while no transaction is open.

The mode is switched on the psycopg2 connection itself rather than through
SQLAlchemy's AUTOCOMMIT isolation level: SQLAlchemy would then set the default
level back explicitly on return to the pool, and psycopg2 answers the next
switch to autocommit with a SET statement, a round trip again.

write_transaction() leaves this mode before it writes, so statements that must
commit together still do.
"""

from sqlalchemy import event

from app.extensions import db

SESSION_KEY = "reading_in_autocommit"


def read_in_autocommit():
    """Check out the session's connection in autocommit mode, before its first statement."""
    db.session.connection().connection.dbapi_connection.autocommit = True
    db.session.info[SESSION_KEY] = True


def leave_autocommit():
    """Give back an autocommit connection, so that the next statement opens a transaction.

    The commit sends nothing: in autocommit mode every statement so far has already
    ended. Objects already loaded stay loaded.
    """
    if db.session.info.pop(SESSION_KEY, False):
        db.session.commit()


def _end_autocommit(dbapi_connection, record):
    # None when the pool has discarded the connection.
    if dbapi_connection is not None and dbapi_connection.autocommit:
        dbapi_connection.autocommit = False


def reset_on_checkin(engine):
    """Make ``engine``'s pool take every connection back out of autocommit mode."""
    event.listen(engine, "checkin", _end_autocommit)
