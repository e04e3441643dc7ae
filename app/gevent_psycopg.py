"""Make psycopg2 cooperative under gevent, with libpq's connect_timeout still enforced.

psycogreen's wait callback makes psycopg2 yield to other greenlets while it waits
for PostgreSQL. It connects through libpq's asynchronous API, where libpq ignores
connect_timeout (libpq docs, PQconnectPoll). A server that accepts TCP
connections but never responds would then hang every request that needs a new
connection. This wrapper bounds the connection phase by the same connect_timeout.
"""

import gevent
import psycopg2
from psycogreen.gevent import gevent_wait_callback
from psycopg2 import extensions

# Statuses of an established connection. psycopg2 2.9 reports other, internal
# statuses (20 was observed) while the connection is being set up.
CONNECTED_STATUSES = (extensions.STATUS_READY, extensions.STATUS_BEGIN, extensions.STATUS_PREPARED)


def wait_with_connect_timeout(connection, timeout=None):
    """Wait as psycogreen does, but fail a connection attempt after connect_timeout."""
    if connection.status in CONNECTED_STATUSES:
        gevent_wait_callback(connection, timeout)
        return

    seconds = extensions.parse_dsn(connection.dsn).get("connect_timeout")
    if not seconds or int(seconds) <= 0:
        gevent_wait_callback(connection, timeout)
        return
    # libpq raises a timeout under 2 seconds to 2, and so does this wrapper.
    limit = max(2, int(seconds))
    error = psycopg2.OperationalError(f"connection timed out: no response within {limit} s")
    with gevent.Timeout(limit, error):
        gevent_wait_callback(connection, timeout)


def patch_psycopg():
    """Install the wait callback. Call it after gevent's monkey.patch_all()."""
    extensions.set_wait_callback(wait_with_connect_timeout)
