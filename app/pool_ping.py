"""Ping a pooled connection before use only when it has been idle for a while.

SQLAlchemy's pool_pre_ping pings on every checkout, which adds a round trip to
each request: a list request would send four statements instead of three. A
connection returned to the pool a moment ago is trusted instead, and one idle
for longer than the threshold is pinged, then replaced if it is dead.

The cost of trusting it: when PostgreSQL restarts or a failover cuts every
connection, a request that takes a connection returned within the threshold
fails with a 503. The first failed statement or ping makes SQLAlchemy discard
all the pool's older connections. Requests that took theirs before that moment
still fail, so under concurrent load a worker can lose up to
DB_POOL_SIZE + DB_MAX_OVERFLOW requests per outage.
"""

import time

from sqlalchemy import event
from sqlalchemy.exc import InvalidatePoolError

CHECKED_IN_AT = "checked_in_at"


def ping_after_idle(engine, idle_seconds):
    """Make ``engine``'s pool ping a connection idle for over ``idle_seconds`` before use.

    With zero ``idle_seconds``, every checkout pings, as with pool_pre_ping.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def remember_checkin(dbapi_connection, record):
        record.info[CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, proxy):
        checked_in_at = record.info.get(CHECKED_IN_AT)
        # A connection that was never checked in was opened just now.
        if checked_in_at is None or time.monotonic() - checked_in_at < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # The pool opens a new connection and tries the checkout again. A
                # dead idle connection usually means a restart or failover, so the
                # pool also replaces every connection opened before now, as
                # pool_pre_ping does, including those too recent to be pinged.
                raise InvalidatePoolError() from error
            raise
