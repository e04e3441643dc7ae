"""A worker stopping on SIGTERM sends its WebSocket clients a going-away close."""

import signal

import pytest
from realtime_support import Server, WsClient

from app.extensions import db
from app.services.tokens import issue_token
from app.services.users import create_user


@pytest.fixture
def stopping_server(app, database_url, tmp_path):
    """A one-worker server with one authenticated socket, then sent SIGTERM."""
    with app.app_context():
        user = create_user("shutdown@example.com", "shutdown-pw-123", role="viewer")
        _, token = issue_token(user, name="test")
        db.session.remove()
    server = Server(database_url, tmp_path / "gunicorn.log", workers=1)
    try:
        client = WsClient(server.ws_url, token)
        server.process.send_signal(signal.SIGTERM)
        client.wait_closed(timeout=10)
        yield client
    finally:
        server.stop()


def test_sigterm_closes_sockets_with_going_away(stopping_server):
    assert stopping_server.close_code == 1001
