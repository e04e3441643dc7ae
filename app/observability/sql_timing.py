"""Count and time each request's SQL statements at the driver's cursor."""

import time
from contextvars import ContextVar

from psycopg2.extensions import cursor as Psycopg2Cursor
from sqlalchemy import event


class SqlTotals:
    """The count and total time of the SQL statements one request has run so far."""

    __slots__ = ("statements", "seconds")

    def __init__(self):
        self.statements = 0
        self.seconds = 0.0


# The current request's totals, or None outside a request. gevent gives each
# greenlet its own context, so concurrent requests never share totals, and the
# greenlets that a request spawns count nothing.
_totals = ContextVar("sql_totals", default=None)


def start_counting():
    """Count the statements that this context runs from now on, from zero."""
    _totals.set(SqlTotals())


def stop_counting():
    """Stop counting and return the totals, which are zero if counting never started."""
    totals = _totals.get() or SqlTotals()
    # A keep-alive connection's next request runs in the same greenlet.
    _totals.set(None)
    return totals


def _run_counted(method, *arguments):
    """Call a cursor ``method`` and add it to the current request's totals, if any."""
    totals = _totals.get()
    if totals is None:
        return method(*arguments)
    started = time.perf_counter()
    try:
        return method(*arguments)
    finally:
        totals.statements += 1
        totals.seconds += time.perf_counter() - started


class TimedCursor(Psycopg2Cursor):
    """A psycopg2 cursor that adds each statement to the current request's totals.

    SQLAlchemy's before/after_cursor_execute events would do the same, but any
    listener on them makes SQLAlchemy dispatch events around every statement, and
    a profile of the jobs list showed that dispatch costing more than the timing
    itself. Statements that fail are counted too, and so is the pool's ping of a
    connection that sat idle (see app/pool_ping.py).
    """

    def execute(self, query, vars=None):
        return _run_counted(super().execute, query, vars)

    def executemany(self, query, vars_list):
        return _run_counted(super().executemany, query, vars_list)


def _use_timed_cursors(dbapi_connection, connection_record):
    dbapi_connection.cursor_factory = TimedCursor


def time_statements(engine):
    """Make every new connection of ``engine`` create TimedCursor cursors."""
    event.listen(engine, "connect", _use_timed_cursors)
