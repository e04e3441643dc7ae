"""Database faults under the real gunicorn gevent server: outages, killed connections,
an exhausted pool and graceful shutdown on SIGTERM."""

import os
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
from sqlalchemy.engine import make_url

from tests.gunicorn_server import free_port, http_request, start_gunicorn
from tests.tcp_proxy import TcpProxy


def libpq(url):
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def background():
    """A thread pool for requests that must be in flight while the test acts."""
    with ThreadPoolExecutor(max_workers=20) as executor:
        yield executor


def wait_for_sleeping_backend(database_url, timeout_s=10):
    """Wait until a backend of the test database runs pg_sleep; return its pid."""
    connection = psycopg2.connect(libpq(database_url))
    connection.autocommit = True
    deadline = time.monotonic() + timeout_s
    try:
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND query LIKE 'SELECT pg_sleep%%'"
                )
                row = cursor.fetchone()
                if row:
                    return row[0]
                time.sleep(0.05)
    finally:
        connection.close()
    raise AssertionError("no backend started pg_sleep")


def terminate_backend(database_url, pid):
    """Kill one backend of the test database, as a PostgreSQL restart or failover would."""
    connection = psycopg2.connect(libpq(database_url))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE pid = %s AND datname = current_database()",
            (pid,),
        )
    connection.close()


def upstream_address(url):
    """Return where ``url``'s server listens: ``(host, port)``, or a Unix socket path."""
    socket_folder = url.query.get("host")
    if url.host is None and socket_folder and socket_folder.startswith("/"):
        return os.path.join(socket_folder, f".s.PGSQL.{url.port or 5432}")
    return (url.host or "127.0.0.1", url.port or 5432)


@pytest.fixture
def proxied_server(app, database_url, tmp_path):
    """gunicorn whose DATABASE_URL points at a TCP proxy to the test database.

    The proxy is closed when the server starts, so the database looks down.
    """
    upstream = make_url(database_url)
    proxy = TcpProxy(free_port(), upstream_address(upstream))
    # A socket folder in the query (the embedded server's URL) would override the host.
    proxied_url = upstream.difference_update_query(["host"]).set(host="127.0.0.1", port=proxy.port)
    environment = {
        "DATABASE_URL": proxied_url.render_as_string(hide_password=False),
        "DB_POOL_TIMEOUT_S": "1",
    }
    # One worker, so that the outage reaches the pool that served the requests
    # before it. A second worker that served one of those requests but none
    # during the outage would trust its dead connection for DB_PING_AFTER_IDLE_S
    # (app/pool_ping.py), and its next request would get a 503 after recovery.
    server = start_gunicorn(tmp_path / "gunicorn.log", environment, workers=1)
    yield server, proxy
    server.stop()
    if proxy.listener is not None:
        proxy.stop()


@pytest.fixture
def fault_server(app, database_url, tmp_path):
    """Return a function that starts tests/fault_app.py under gunicorn with extra settings."""
    servers = []

    def start(workers=1, **environment):
        server = start_gunicorn(
            tmp_path / f"gunicorn-{len(servers)}.log",
            {"DATABASE_URL": database_url, **environment},
            app_module="tests.fault_app:app",
            workers=workers,
        )
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_database_down_at_start_then_recovers(proxied_server, make_user):
    server, proxy = proxied_server
    _, auth = make_user()

    health_down = http_request(f"{server.base}/health")[0]
    ready_down = http_request(f"{server.base}/ready")[0]
    list_status, list_headers, list_body = http_request(f"{server.base}/api/clients", headers=auth)
    proxy.start()
    ready_up = http_request(f"{server.base}/ready")[0]
    list_up = http_request(f"{server.base}/api/clients", headers=auth)[0]

    assert health_down == 200
    assert ready_down == 503
    assert list_status == 503
    assert list_headers["Retry-After"] == "2"
    assert list_body["error"]["code"] == "service_unavailable"
    assert ready_up == 200
    assert list_up == 200


def test_outage_mid_run_gives_503_then_recovers(proxied_server, make_user):
    server, proxy = proxied_server
    _, auth = make_user()
    proxy.start()
    before = [http_request(f"{server.base}/api/clients", headers=auth)[0] for _ in range(4)]

    proxy.stop()
    during = [http_request(f"{server.base}/api/clients", headers=auth)[0] for _ in range(4)]
    proxy.start()
    after = [http_request(f"{server.base}/api/clients", headers=auth)[0] for _ in range(4)]

    assert before == [200] * 4
    assert during == [503] * 4
    assert after == [200] * 4


def test_outage_503_hides_driver_message(proxied_server, make_user):
    server, _ = proxied_server
    _, auth = make_user()

    status, headers, body = http_request(f"{server.base}/api/clients", headers=auth)

    assert status == 503
    assert "psycopg2" not in str(body)
    assert "Connection refused" not in str(body)
    assert body["error"]["requestId"] == headers["X-Request-ID"]


def test_outage_logs_driver_message(proxied_server, make_user):
    server, _ = proxied_server
    _, auth = make_user()

    headers = {**auth, "X-Request-ID": "outage-check-0001"}
    http_request(f"{server.base}/api/clients", headers=headers)
    time.sleep(0.2)

    warnings = [
        line
        for line in server.log_lines()
        if line.get("requestId") == "outage-check-0001" and line["level"] == "WARNING"
    ]
    assert warnings
    assert "OperationalError" in warnings[0]["message"]


def test_killed_connection_gives_503(fault_server, database_url, background):
    server = fault_server()

    pending = background.submit(http_request, f"{server.base}/test/sleep?seconds=5")
    terminate_backend(database_url, wait_for_sleeping_backend(database_url))
    status, headers, _ = pending.result(timeout=15)
    after = [http_request(f"{server.base}/ready")[0] for _ in range(3)]

    assert status == 503
    assert headers["Retry-After"] == "2"
    assert after == [200] * 3


def test_exhausted_pool_fails_fast_with_503(fault_server, background):
    server = fault_server(DB_POOL_SIZE="2", DB_MAX_OVERFLOW="0", DB_POOL_TIMEOUT_S="0.5")
    sleep_s = 3

    def timed_request():
        started = time.monotonic()
        status = http_request(f"{server.base}/test/sleep?seconds={sleep_s}")[0]
        return status, time.monotonic() - started

    pending = [background.submit(timed_request) for _ in range(20)]
    outcomes = [future.result(timeout=30) for future in pending]
    rejected_seconds = [seconds for status, seconds in outcomes if status == 503]

    assert sum(1 for status, _ in outcomes if status == 200) >= 2
    assert len(rejected_seconds) >= 10
    assert {status for status, _ in outcomes} <= {200, 503}
    # Rejected requests waited about DB_POOL_TIMEOUT_S, not for a slot to free up.
    assert max(rejected_seconds) < sleep_s - 1


def test_statement_over_timeout_is_cancelled(fault_server, database_url):
    server = fault_server(DB_STATEMENT_TIMEOUT_MS="300")

    started = time.monotonic()
    status, headers, body = http_request(f"{server.base}/test/sleep?seconds=5")
    elapsed = time.monotonic() - started

    assert status == 503
    assert headers["Retry-After"] == "2"
    assert "statement timeout" in body["error"]["message"]
    assert elapsed < 4


def test_sigterm_lets_in_flight_request_finish(fault_server, database_url, background):
    server = fault_server()

    pending = background.submit(http_request, f"{server.base}/test/sleep?seconds=2")
    wait_for_sleeping_backend(database_url)
    server.process.send_signal(signal.SIGTERM)
    status = pending.result(timeout=15)[0]
    exit_code = server.process.wait(timeout=30)

    assert status == 200
    assert exit_code == 0


def test_sigterm_runs_shutdown_hooks(fault_server):
    server = fault_server()

    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=30)

    messages = [line["message"] for line in server.log_lines()]
    assert messages.count("Shutdown hook ran") == 1


@pytest.fixture
def silent_database_port():
    """A loopback port that accepts TCP connections and never answers, like a hung server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield listener.getsockname()[1]
    listener.close()


def test_silent_database_times_out_with_503(app, silent_database_port, tmp_path):
    url = f"postgresql://postgres@127.0.0.1:{silent_database_port}/none"
    server = start_gunicorn(tmp_path / "gunicorn.log", {"DATABASE_URL": url})

    try:
        started = time.monotonic()
        status, headers, _ = http_request(f"{server.base}/ready", timeout=20)
        elapsed = time.monotonic() - started
    finally:
        server.stop()

    assert status == 503
    assert headers["Retry-After"] == "2"
    # DB_CONNECT_TIMEOUT_S defaults to 3; without it the request would hang.
    assert elapsed < 10
