"""Live updates over WebSocket on /ws: committed activities pushed to subscribed clients.

Hooks for other features, each acting on the calling worker process unless noted:

- ``stats()``: counters and gauges of this worker's sockets, for metrics.
- ``close_all_sockets(code=1001, reason=...)``: close every socket of this worker,
  e.g. on graceful shutdown.
- ``close_token_sockets(token_id)``: close this worker's sockets of one token.
- ``announce_token_revoked(token_id)``: inside the revoking transaction, NOTIFY every
  worker on every machine to close that token's sockets once it commits.
"""

import os
import threading

from sqlalchemy import func, select

from app.extensions import db
from app.lifecycle import on_shutdown
from app.realtime.hub import Hub
from app.realtime.listener import TOKEN_REVOCATIONS_CHANNEL, Listener

_hub = None
_hub_pid = None
_hub_lock = threading.Lock()


def init_app(app, sock):
    """Register the /ws route on the app."""
    from app.realtime.endpoint import register

    if app.config["REALTIME_PING_INTERVAL_S"] <= 0:
        # Without pings, dead clients would never be dropped, and the socket read
        # timeout that bounds writes would also end idle connections.
        raise RuntimeError("REALTIME_PING_INTERVAL_S must be above 0.")

    register(app, sock)
    # On SIGTERM, a going-away close sends each client to reconnect to another
    # worker instead of holding this one open until the graceful timeout.
    on_shutdown(close_all_sockets)


def get_hub(app=None):
    """Return this process's hub, starting its listener on first use when ``app`` is given.

    The hub is created per process id because gunicorn forks workers after the app
    is loaded, and a listener greenlet must belong to the worker that serves the
    sockets.
    """
    global _hub, _hub_pid
    with _hub_lock:
        if _hub is None or _hub_pid != os.getpid():
            _hub, _hub_pid = Hub(), os.getpid()
        if app is not None and _hub.listener is None:
            _hub.listener = Listener(app, _hub)
            _hub.listener.start()
        return _hub


def stats():
    return get_hub().stats()


def close_all_sockets(code=1001, reason="The server is shutting down. Reconnect."):
    """Close every WebSocket of this worker; return how many were open."""
    return get_hub().close_all(code, reason)


def close_token_sockets(token_id):
    """Close this worker's WebSockets that authenticated with ``token_id``; return how many."""
    return get_hub().close_token(token_id)


def announce_token_revoked(token_id):
    """Ask every worker to close the sockets of ``token_id`` when this transaction commits."""
    db.session.execute(select(func.pg_notify(TOKEN_REVOCATIONS_CHANNEL, str(token_id))))
