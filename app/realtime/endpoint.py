"""The /ws route: one Connection and ClientSession per WebSocket, registered with the hub."""

import logging

from flask import current_app, request
from simple_websocket import ConnectionClosed

from app.extensions import db
from app.realtime.connection import Connection
from app.realtime.protocol import ClientSession
from app.realtime.session_cookie import session_token

logger = logging.getLogger(__name__)


def register(app, sock):
    @sock.route("/ws")
    def websocket(ws):
        serve(current_app._get_current_object(), ws)


def serve(app, ws):
    """Serve one WebSocket until the client leaves or is closed, then free its subscriptions."""
    from app.realtime import get_hub

    hub = get_hub(app)
    config = app.config
    # The socket timeout bounds every write: a client that reads nothing for that
    # long is dropped. Reads are not affected because simple-websocket waits for
    # data with select() before it reads, when pings are enabled.
    ws.sock.settimeout(config["REALTIME_SEND_TIMEOUT_S"])
    connection = Connection(
        ws,
        max_queue=config["REALTIME_SEND_QUEUE_MAX"],
        close_timeout_s=config["REALTIME_CLOSE_TIMEOUT_S"],
        on_overflow=lambda: hub.counters.update(["slow_disconnects"]),
    )
    hub.add(connection)
    try:
        ClientSession(app, hub, connection, session_token(request, config)).run()
        # Let the sender deliver the close frame that ended the session.
        connection.closed.wait(config["REALTIME_CLOSE_TIMEOUT_S"] + 1)
    except ConnectionClosed:
        pass
    finally:
        subscriptions = len(connection.subscriptions)
        hub.remove(connection)
        connection.stop()
        db.session.remove()
        logger.info(
            "WebSocket of user %s closed; freed %d subscriptions",
            connection.user_id,
            subscriptions,
        )
