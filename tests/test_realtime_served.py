"""Live updates on /ws, served by gunicorn with two gevent workers, seen by a real client."""

import json
import queue
import socket
import threading
import time
import uuid

import psycopg2
import pytest
import websocket

from app.extensions import db
from app.services.tokens import issue_token, revoke_token
from app.services.users import create_user
from tests.conftest import _libpq_url, truncate_all
from tests.realtime_support import Server, WsClient, http

# The server keeps its listener position across tests, which identity restarts
# would break, so this module empties the tables once, at its end.
pytestmark = pytest.mark.keeps_data


@pytest.fixture(scope="module")
def server(app, database_url, tmp_path_factory):
    """gunicorn with two workers and the short limits of tests/realtime_support.py."""
    served = Server(database_url, tmp_path_factory.mktemp("realtime") / "gunicorn.log")
    yield served
    served.stop()
    truncate_all(app)


@pytest.fixture
def make_token(app):
    """Create a user with a unique email and a token; return ``(token id, token text, user id)``."""

    def make(role="recruiter"):
        with app.app_context():
            user = create_user(f"{uuid.uuid4().hex}@example.com", "realtime-pw-123", role=role)
            api_token, text = issue_token(user, name="test")
            result = (api_token.id, text, user.id)
            db.session.remove()
        return result

    return make


@pytest.fixture
def token(make_token):
    return make_token()[1]


@pytest.fixture
def application(server, token):
    """An application created through the served API; returns its JSON."""
    suffix = uuid.uuid4().hex[:8]
    _, _, client = http(
        server.base, "/api/clients", method="POST", token=token, body={"name": f"Client {suffix}"}
    )
    _, _, job = http(
        server.base,
        "/api/jobs",
        method="POST",
        token=token,
        body={"title": "Engineer", "clientId": client["id"]},
    )
    _, _, candidate = http(
        server.base,
        "/api/candidates",
        method="POST",
        token=token,
        body={"firstName": "Ada", "lastName": suffix, "email": f"{suffix}@example.com"},
    )
    status, _, created = http(
        server.base,
        "/api/job-candidates",
        method="POST",
        token=token,
        body={"jobId": job["id"], "candidateId": candidate["id"]},
    )
    assert status == 201, created
    return created


@pytest.fixture
def connect(server):
    """Return a function that opens WsClients, all closed after the test."""
    opened = []

    def open_client(token=None, **options):
        client = WsClient(server.ws_url, token, **options)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


def move(server, token, application_id, stage):
    status, _, body = http(
        server.base,
        f"/api/job-candidates/{application_id}",
        method="PATCH",
        token=token,
        body={"stage": stage},
    )
    assert status == 200, body
    return body


def event_position(server, token):
    _, headers, _ = http(server.base, "/api/job-candidates?limit=1", token=token)
    return int(headers["X-Event-Position"])


def job_event_ids(database_url, job_id, after):
    """Return the committed ids of the job channel's activities after ``after``."""
    connection = psycopg2.connect(_libpq_url(database_url))
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM activities WHERE job_id = %s AND id > %s "
            "AND entity_type IN ('job', 'job_candidate') ORDER BY id",
            (job_id, after),
        )
        ids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return ids


def test_ws_subscribe_is_acknowledged(connect, token):
    client = connect(token)

    reply = client.subscribe("pipeline", ref="board-1")

    assert reply == {"type": "subscribed", "ref": "board-1", "channel": "pipeline"}


def test_ws_unsubscribe_is_acknowledged(connect, token):
    client = connect(token)
    client.subscribe("pipeline")

    client.send({"type": "unsubscribe", "channel": "pipeline", "ref": "u1"})

    assert client.next() == {"type": "unsubscribed", "ref": "u1", "channel": "pipeline"}


def test_ws_patch_reaches_sockets_on_every_worker(server, connect, token, application):
    channel = f"job:{application['jobId']}"
    clients = []
    # Connections land on whichever worker accepts first; open them until both have some.
    while len(clients) < 40 and (len(clients) < 4 or len(server.worker_pids_of_sockets()) < 2):
        client = connect(token)
        assert client.subscribe(channel)["type"] == "subscribed"
        clients.append(client)

    moved = move(server, token, application["id"], "interview")

    assert len(server.worker_pids_of_sockets()) == 2
    for client in clients:
        (event,) = client.events(1)
        assert event["event"] == "job_candidate.updated"
        assert event["channel"] == channel
        assert event["data"]["stage"] == "interview"
        assert event["data"]["id"] == moved["id"]


def test_ws_event_id_matches_list_position(server, connect, token, application):
    client = connect(token)
    client.subscribe("pipeline")

    move(server, token, application["id"], "screening")
    (event,) = client.events(1)

    assert event["id"] == event_position(server, token)


def test_ws_rolled_back_write_sends_nothing(server, database_url, connect, token, application):
    client = connect(token)
    client.subscribe("activity")
    connection = psycopg2.connect(_libpq_url(database_url))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO activities (action, entity_type, entity_id) "
            "VALUES ('created', 'client', %s)",
            (str(uuid.uuid4()),),
        )
    connection.rollback()
    connection.close()

    move(server, token, application["id"], "offer")
    (event,) = client.events(1)

    assert event["data"]["entityId"] == application["id"]


def test_ws_failed_patch_sends_nothing(server, connect, token, application):
    client = connect(token)
    client.subscribe("pipeline")
    status, _, _ = http(
        server.base,
        f"/api/job-candidates/{application['id']}",
        method="PATCH",
        token=token,
        body={"stage": "rejected"},
    )

    move(server, token, application["id"], "offer")
    (event,) = client.events(1)

    assert status == 422
    assert event["data"]["stage"] == "offer"


def test_ws_replay_after_disconnect_is_exact(server, database_url, connect, token, application):
    channel = f"job:{application['jobId']}"
    first = connect(token)
    first.subscribe(channel)
    move(server, token, application["id"], "screening")
    (last_seen,) = first.events(1)
    first.close()
    for stage in ("interview", "offer", "screening"):
        move(server, token, application["id"], stage)
    # Writes go on while the client resubscribes, so some land during its replay.
    stages = ["interview", "offer"] * 8
    writer = threading.Thread(
        target=lambda: [move(server, token, application["id"], s) for s in stages]
    )

    writer.start()
    second = connect(token)
    reply = second.subscribe(channel, since=last_seen["id"])
    writer.join()
    expected = job_event_ids(database_url, application["jobId"], last_seen["id"])
    received = [event["id"] for event in second.events(len(expected))]

    assert reply["recovered"] is True
    assert received == expected
    with pytest.raises(queue.Empty):
        second.next(timeout=0.5)


def test_ws_replay_sends_events_in_commit_order(server, connect, token, application):
    since = event_position(server, token)
    for stage in ("interview", "offer", "hired"):
        move(server, token, application["id"], stage)
    client = connect(token)

    client.subscribe("pipeline", since=since)
    events = client.events(3)

    assert [event["id"] for event in events] == sorted(event["id"] for event in events)
    assert events[0]["id"] > since


def test_ws_since_in_the_future_is_not_recovered(connect, token):
    client = connect(token)

    reply = client.subscribe("pipeline", since=10**12)

    assert reply["recovered"] is False


def test_ws_replay_over_the_cap_is_not_recovered(server, database_url, connect, token):
    since = event_position(server, token)
    job_id = uuid.uuid4()
    connection = psycopg2.connect(_libpq_url(database_url))
    with connection, connection.cursor() as cursor:
        for _ in range(51):
            cursor.execute(
                "INSERT INTO activities (action, entity_type, entity_id, job_id) "
                "VALUES ('updated', 'job', %s, %s)",
                (str(job_id), str(job_id)),
            )
    connection.close()
    client = connect(token)

    reply = client.subscribe("dashboard", since=since)

    assert reply["recovered"] is False
    with pytest.raises(queue.Empty):
        client.next(timeout=0.5)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "invalid_json"),
        ("[1, 2]", "invalid_message"),
        ('{"type": "shout"}', "unknown_type"),
        ('{"type": "subscribe", "channel": "jobs"}', "unknown_channel"),
        ('{"type": "subscribe", "channel": "job:42"}', "invalid_channel"),
        ('{"type": "subscribe", "channel": 7}', "invalid_channel"),
        ('{"type": "subscribe", "channel": "pipeline", "since": -1}', "invalid_since"),
        ('{"type": "subscribe", "channel": "pipeline", "since": "5"}', "invalid_since"),
        ('{"type": "unsubscribe", "channel": "pipeline"}', "not_subscribed"),
        ('{"type": "auth", "token": "again"}', "already_authenticated"),
        ('{"type": "ping", "ref": ' + '"' + "r" * 200 + '"}', "invalid_message"),
        ('{"type": "ping", "pad": "' + "x" * 2000 + '"}', "message_too_large"),
    ],
)
def test_ws_bad_frame_gets_error_and_stays_open(connect, token, frame, code):
    client = connect(token)

    client.send_raw(frame)
    reply = client.next()
    client.send({"type": "ping", "ref": "still-there"})

    assert reply["type"] == "error"
    assert reply["code"] == code
    assert client.next() == {"type": "pong", "ref": "still-there"}


def test_ws_binary_frame_gets_error(connect, token):
    client = connect(token)

    client.send_raw(b"\x00\x01", opcode=websocket.ABNF.OPCODE_BINARY)

    assert client.next()["code"] == "invalid_message"


def test_ws_error_reply_echoes_ref(connect, token):
    client = connect(token)

    client.send({"type": "subscribe", "channel": "nowhere", "ref": "mine"})

    assert client.next()["ref"] == "mine"


def test_ws_duplicate_subscribe_is_an_error(connect, token):
    client = connect(token)
    client.subscribe("pipeline")

    reply = client.subscribe("pipeline")

    assert reply["code"] == "already_subscribed"


def test_ws_unknown_job_channel_is_not_found(connect, token):
    client = connect(token)

    reply = client.subscribe(f"job:{uuid.uuid4()}")

    assert reply["code"] == "not_found"


def test_ws_viewer_may_follow_a_job(connect, make_token, application):
    viewer = connect(make_token("viewer")[1])

    reply = viewer.subscribe(f"job:{application['jobId']}")

    assert reply["type"] == "subscribed"


def test_ws_flooding_client_is_closed(connect, token):
    client = connect(token)

    for _ in range(12):
        client.send_raw("not json")

    assert client.wait_closed()
    assert client.close_code == 1008


def test_ws_invalid_token_is_rejected_and_closed(connect):
    client = connect()

    client.send({"type": "auth", "token": "ats_not-a-real-token"})

    assert client.next()["code"] == "unauthorized"
    assert client.wait_closed()
    assert client.close_code == 1008


def test_ws_lone_surrogate_token_is_rejected(connect):
    client = connect()

    # JSON allows the escape \ud800, which decodes to an unpaired surrogate.
    client.send_raw('{"type": "auth", "token": "ats_\\ud800"}')

    assert client.next()["code"] == "unauthorized"
    assert client.wait_closed()
    assert client.close_code == 1008


def test_ws_message_before_auth_is_rejected_and_closed(connect):
    client = connect()

    client.send({"type": "subscribe", "channel": "pipeline"})

    assert client.next()["code"] == "not_authenticated"
    assert client.wait_closed()
    assert client.close_code == 1008


def test_ws_silent_socket_is_closed_after_auth_timeout(connect):
    client = connect()

    closed = client.wait_closed(timeout=5)

    assert closed
    assert client.close_code == 1008


def test_ws_revoked_token_closes_its_sockets(app, connect, make_token):
    token_id, token_text, _ = make_token()
    client = connect(token_text)
    client.subscribe("pipeline")

    with app.app_context():
        revoke_token(token_id)
        db.session.remove()

    assert client.wait_closed()
    assert client.close_code == 1008


def test_ws_rest_token_delete_closes_its_sockets(server, connect, make_token):
    token_id, token_text, _ = make_token()
    client = connect(token_text)
    client.subscribe("pipeline")
    http(server.base, f"/api/tokens/{token_id}", method="DELETE", token=token_text)
    client.wait_closed()

    assert client.close_code == 1008


def test_ws_token_never_logged(server, connect, token):
    connect(token).subscribe("pipeline")

    assert token not in server.log()


def test_ws_client_that_stops_answering_pings_is_dropped(server, make_token):
    _, token_text, user_id = make_token()
    ws = websocket.create_connection(server.ws_url, timeout=5)
    ws.send(json.dumps({"type": "auth", "token": token_text}))
    ws.recv()
    ws.send('{"type": "subscribe", "channel": "pipeline", "ref": "p"}')

    # Nothing reads, so no pong replies to the pings sent every second.
    time.sleep(3.5)
    codes = []
    try:
        while True:
            opcode, frame = ws.recv_data_frame(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                codes.append(int.from_bytes(frame.data[:2], "big"))
                break
    except (websocket.WebSocketException, OSError):
        pass
    ws.close()

    assert codes in ([1008], [])
    assert f"WebSocket of user {user_id} closed; freed 1 subscriptions" in server.log()


EVENT_COUNT = 1500


def insert_large_activities(database_url, count):
    """Commit ``count`` activities of about 4 KB each, one transaction each."""
    connection = psycopg2.connect(_libpq_url(database_url))
    connection.autocommit = True
    with connection.cursor() as cursor:
        # Durability does not matter here.
        cursor.execute("SET synchronous_commit = off")
        for _ in range(count):
            cursor.execute(
                "INSERT INTO activities (action, entity_type, entity_id, payload) "
                "VALUES ('updated', 'user', %s, %s)",
                (str(uuid.uuid4()), '{"fields": ["' + "x" * 4000 + '"]}'),
            )
    connection.close()


def open_small_buffer_socket(url, token_text, *, timeout):
    """Open a raw WebSocket with a 4 KiB receive buffer and send its auth message.

    The small buffer makes the server's writes back up as soon as the client stops reading.
    """
    connection = websocket.create_connection(
        url, timeout=timeout, sockopt=[(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)]
    )
    connection.send(json.dumps({"type": "auth", "token": token_text}))
    return connection


def test_ws_stuck_client_spares_healthy_one(app, database_url, tmp_path, make_token):
    """A client that stops reading is disconnected when its queue fills; the other gets all."""
    settings = {
        "REALTIME_PING_INTERVAL_S": "30",
        "REALTIME_SEND_TIMEOUT_S": "30",
        # Far below the 1,500 events, so the stuck client overflows, and far above
        # what a healthy client reading in a thread falls behind on a busy machine.
        "REALTIME_SEND_QUEUE_MAX": "400",
    }
    served = Server(database_url, tmp_path / "gunicorn.log", workers=1, settings=settings)
    try:
        _, token_text, _ = make_token()
        stuck = open_small_buffer_socket(served.ws_url, token_text, timeout=5)
        for channel in ("pipeline", "activity", "dashboard"):
            stuck.send(json.dumps({"type": "subscribe", "channel": channel}))
        healthy = WsClient(served.ws_url, token_text)
        healthy.subscribe("activity")
        time.sleep(0.5)

        # About 6 MB of activity frames: more than the kernel buffers of the
        # loopback connection hold (tcp_wmem allows 4 MiB) plus the 400-message queue.
        insert_large_activities(database_url, EVENT_COUNT)
        received = healthy.events(EVENT_COUNT, timeout=60)

        stuck.sock.settimeout(10)
        try:
            while stuck.sock.recv(65536):
                pass
            ended = True
        except TimeoutError:
            ended = False
        except OSError:
            ended = True
        healthy.close()
        log = served.log()
    finally:
        served.stop()

    assert len({event["id"] for event in received}) == EVENT_COUNT
    assert ended
    assert "Disconnecting WebSocket of user" in log


def test_ws_paused_reader_gets_every_frame_whole(app, database_url, tmp_path, make_token):
    """Frames that the kernel took only in part are finished before anything else is sent."""
    settings = {
        "REALTIME_PING_INTERVAL_S": "30",
        "REALTIME_SEND_TIMEOUT_S": "30",
        # Above the 1,500 events, so that the paused client is never dropped.
        "REALTIME_SEND_QUEUE_MAX": "2000",
    }
    served = Server(database_url, tmp_path / "gunicorn.log", workers=1, settings=settings)
    try:
        _, token_text, _ = make_token()
        paused = open_small_buffer_socket(served.ws_url, token_text, timeout=30)
        paused.recv()
        paused.send(json.dumps({"type": "subscribe", "channel": "activity"}))
        paused.recv()

        # About 6 MB while the client reads nothing: more than the kernel buffers of
        # the loopback connection hold, so writes block, and one can end mid-frame.
        insert_large_activities(database_url, EVENT_COUNT)
        messages = [json.loads(paused.recv()) for _ in range(EVENT_COUNT)]
        paused.close()
    finally:
        served.stop()

    ids = [message["id"] for message in messages]
    assert {message["type"] for message in messages} == {"event"}
    assert ids == sorted(set(ids))


def test_ws_listener_reconnects_and_delivers_what_it_missed(
    server, database_url, connect, token, application
):
    client = connect(token)
    client.subscribe(f"job:{application['jobId']}")
    connection = psycopg2.connect(_libpq_url(database_url))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = 'ats-realtime-listener' AND datname = current_database()"
        )
        terminated = cursor.fetchone()[0]
    connection.close()

    # Committed while the listeners are reconnecting.
    move(server, token, application["id"], "interview")
    (event,) = client.events(1, timeout=15)

    assert terminated >= 1
    assert event["data"]["stage"] == "interview"
    assert "Realtime listener lost PostgreSQL" in server.log()


@pytest.fixture
def session_login(server, app):
    """Log a new user in through the served API with ``"session": true``.

    Returns ``(cookie header value, token text)``.
    """
    email = f"{uuid.uuid4().hex}@example.com"
    with app.app_context():
        create_user(email, "realtime-pw-123", role="recruiter")
        db.session.remove()
    status, headers, body = http(
        server.base,
        "/api/auth/login",
        method="POST",
        body={"email": email, "password": "realtime-pw-123", "session": True},
    )
    assert status == 200, body
    cookie = headers["Set-Cookie"].split(";")[0]
    return cookie, body["token"]


def test_ws_session_cookie_authenticates_at_once(connect, session_login):
    cookie, _ = session_login

    client = connect(cookie=cookie)

    reply = client.next()
    assert reply["type"] == "authenticated"
    assert reply["via"] == "session"


def test_ws_session_cookie_socket_can_subscribe(connect, session_login):
    cookie, _ = session_login
    client = connect(cookie=cookie)
    client.next()

    reply = client.subscribe("pipeline")

    assert reply["type"] == "subscribed"


def test_ws_session_cookie_from_other_origin_is_ignored(connect, session_login):
    cookie, token = session_login
    client = connect(cookie=cookie, origin="https://attacker.example")

    client.send({"type": "auth", "token": token})

    assert client.next()["via"] == "message"


def test_ws_session_cookie_from_other_scheme_is_ignored(server, connect, session_login):
    cookie, token = session_login
    client = connect(cookie=cookie, origin=f"https://127.0.0.1:{server.port}")

    client.send({"type": "auth", "token": token})

    assert client.next()["via"] == "message"


@pytest.fixture(scope="module")
def proxied_server(app, database_url, tmp_path_factory):
    """gunicorn that trusts one proxy, so that X-Forwarded-Proto sets the scheme."""
    served = Server(
        database_url,
        tmp_path_factory.mktemp("realtime-proxied") / "gunicorn.log",
        workers=1,
        settings={"TRUSTED_PROXY_COUNT": "1"},
    )
    yield served
    served.stop()


def open_behind_https_proxy(server, cookie, origin):
    """Open a WsClient as a TLS proxy in front of https://ats.example would pass it on."""
    return WsClient(
        server.ws_url,
        cookie=cookie,
        origin=origin,
        host="ats.example",
        header=["X-Forwarded-For: 127.0.0.1", "X-Forwarded-Proto: https"],
    )


def test_ws_session_cookie_behind_proxy_authenticates(proxied_server, make_token):
    _, token_text, _ = make_token()
    client = open_behind_https_proxy(
        proxied_server, f"ats_ws_session={token_text}", "https://ats.example"
    )

    try:
        reply = client.next()
    finally:
        client.close()

    assert reply["via"] == "session"


def test_ws_cookie_from_plain_http_ignored(proxied_server, make_token):
    """A page on http://ats.example (port 80) is another origin than https://ats.example."""
    _, token_text, _ = make_token()
    client = open_behind_https_proxy(
        proxied_server, f"ats_ws_session={token_text}", "http://ats.example"
    )

    try:
        client.send({"type": "auth", "token": token_text})
        reply = client.next()
    finally:
        client.close()

    assert reply["via"] == "message"


def test_ws_session_cookie_after_logout_is_rejected(server, connect, session_login):
    cookie, token = session_login
    status, _, _ = http(server.base, "/api/auth/logout", method="POST", token=token)
    assert status == 204

    client = connect(cookie=cookie)

    assert client.wait_closed()
    assert client.close_code == 1008
