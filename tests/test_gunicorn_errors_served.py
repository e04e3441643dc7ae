"""Requests that gunicorn rejects before the app runs still get the JSON error shape."""

import json
import re
import socket
import time

import pytest
from served import request

from app.observability.gunicorn_errors import (
    error_code,
    error_message,
    error_response,
    standard_reason,
)
from app.observability.redaction import TOKEN_PREFIX as REDACTED_PREFIX
from app.observability.redaction import redact_tokens
from app.services.tokens import TOKEN_PREFIX


def send_raw(base, raw):
    """Send ``raw`` bytes to the server; return ``(status, headers, body)`` of its response."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(raw)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split(" ")[1]), headers, body


def get_with(path="/health", extra_headers=""):
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra_headers}\r\n".encode("latin-1")


REJECTED = {
    "request line over 8,190 bytes": (get_with("/api/search?q=" + "x" * 9000), 414),
    "header over 8,190 bytes": (get_with(extra_headers=f"X-Long: {'y' * 9000}\r\n"), 431),
    "more than 100 headers": (
        get_with(extra_headers="".join(f"X-Many-{i}: 1\r\n" for i in range(120))),
        431,
    ),
    "not HTTP": (b"HELLO THERE\r\n\r\n", 400),
    "header name with a space": (get_with(extra_headers="Bad Name: 1\r\n"), 400),
    "unknown HTTP version": (b"GET /health HTTP/7.3\r\nHost: x\r\n\r\n", 400),
}


@pytest.mark.parametrize("raw, status", REJECTED.values(), ids=REJECTED.keys())
def test_rejected_request_keeps_gunicorn_status(server, raw, status):
    assert send_raw(server.base, raw)[0] == status


@pytest.mark.parametrize("raw, status", REJECTED.values(), ids=REJECTED.keys())
def test_rejected_request_is_json(server, raw, status):
    assert send_raw(server.base, raw)[1]["Content-Type"] == "application/json"


@pytest.mark.parametrize("raw, status", REJECTED.values(), ids=REJECTED.keys())
def test_rejected_request_has_error_code(server, raw, status):
    body = json.loads(send_raw(server.base, raw)[2])

    assert body["error"]["code"] == error_code(status)


def test_rejected_request_body_length_matches_header(server):
    _, headers, body = send_raw(server.base, b"HELLO THERE\r\n\r\n")

    assert int(headers["Content-Length"]) == len(body)


def test_server_serves_after_rejected_requests(server):
    for raw, _ in REJECTED.values():
        send_raw(server.base, raw)

    assert send_raw(server.base, get_with())[0] == 200


def test_error_code_of_header_limit():
    assert error_code(431) == "request_header_fields_too_large"


def test_error_code_of_status_without_entry():
    assert error_code(505) == "http_version_not_supported"


def test_error_code_of_unknown_status():
    assert error_code(599) == "http_error"


def test_error_message_shortens_quoted_request_line():
    message = error_message(400, "Bad Request", "Invalid Request Line '" + "z" * 9000 + "'")

    assert len(message) < 300


def test_error_message_of_server_error_hides_detail():
    assert error_message(500, "Internal Server Error", "secret") == "Internal Server Error."


def test_error_response_escapes_quoted_bytes():
    response = error_response(400, "Bad Request", 'line "with" \x00 and é')
    body = json.loads(response.partition(b"\r\n\r\n")[2])

    assert body["error"]["message"] == 'Bad Request: line "with" \x00 and é'


def post_head(authorization=None, *, length=None, path="/api/clients"):
    """Return the head of a POST with a JSON body: ``length`` bytes, else chunked."""
    framing = "Transfer-Encoding: chunked" if length is None else f"Content-Length: {length}"
    credentials = f"Authorization: {authorization}\r\n" if authorization else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{credentials}"
        f"Content-Type: application/json\r\n{framing}\r\n\r\n"
    ).encode()


def post_chunked(body, path="/api/auth/login"):
    """Return a POST of the chunked ``body`` text, without a token."""
    return post_head(path=path) + body.encode("latin-1")


# gunicorn reads these bodies only when the app reads the request stream.
UNREADABLE_BODIES = {
    "chunk size not hexadecimal": post_chunked("ZZ\r\n{}\r\n0\r\n\r\n"),
    "chunk without its line end": post_chunked("2\r\n{}XX0\r\n\r\n"),
}


@pytest.mark.parametrize("raw", UNREADABLE_BODIES.values(), ids=UNREADABLE_BODIES.keys())
def test_unreadable_body_is_400(server, raw):
    assert send_raw(server.base, raw)[0] == 400


@pytest.mark.parametrize("raw", UNREADABLE_BODIES.values(), ids=UNREADABLE_BODIES.keys())
def test_unreadable_body_has_error_code(server, raw):
    body = json.loads(send_raw(server.base, raw)[2])

    assert body["error"]["code"] == "bad_request"


# 64 MiB: far past the 1 MiB body limit and the socket buffers of both ends.
ENDLESS_BODY_GIVE_UP_BYTES = 64 * 1024 * 1024


def response_heads(received):
    """Return the status lines of the responses in ``received``."""
    # A JSON body ends without a line break, so the next status line may follow it.
    return re.findall(rb"HTTP/1\.1 \d{3} [^\r\n]*", received)


def exchange(base, raw, *, half_close=False):
    """Send ``raw``, optionally close the sending side, and return every byte until the close.

    Fails with a timeout when the server keeps the connection open. A server that
    closes with unread bytes from the client resets the connection, which may
    drop the end of its response.
    """
    with socket.create_connection(address(base), timeout=10) as connection:
        try:
            connection.sendall(raw)
            if half_close:
                connection.shutdown(socket.SHUT_WR)
        except OSError:
            # The server may close before it has read everything sent.
            pass
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return received


def address(base):
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


def test_unread_malformed_body_gets_one_response(server):
    # No token: the 401 comes before the body is read.
    received = exchange(server.base, post_chunked("zz\r\n{}\r\n0\r\n\r\n", "/api/clients"))

    assert response_heads(received) == [b"HTTP/1.1 401 UNAUTHORIZED"]


def test_unread_body_closes_the_connection(server):
    received = exchange(server.base, post_chunked("zz\r\n{}\r\n0\r\n\r\n", "/api/clients"))
    first_head = received.partition(b"\r\n\r\n")[0]

    assert b"\r\nConnection: close" in first_head


def test_unreadable_body_response_closes_the_connection(server, make_user):
    _, headers = make_user()
    raw = post_head(headers["Authorization"]) + b"zz\r\n{}\r\n0\r\n\r\n"

    first_head = exchange(server.base, raw).partition(b"\r\n\r\n")[0]

    assert b"\r\nConnection: close" in first_head


def test_endless_body_over_limit_is_cut_off(server, make_user):
    _, headers = make_user()
    chunk = b"10000\r\n" + b" " * 0x10000 + b"\r\n"
    sent = 0
    with socket.create_connection(address(server.base), timeout=10) as connection:
        connection.sendall(post_head(headers["Authorization"]))
        # Without the close, the server reads on for as long as the client sends.
        try:
            while sent < ENDLESS_BODY_GIVE_UP_BYTES:
                connection.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass

    assert sent < ENDLESS_BODY_GIVE_UP_BYTES


def test_body_shorter_than_content_length_is_400(server, make_user):
    _, headers = make_user()
    body = b'{"name": "Truncated Co"}'
    raw = post_head(headers["Authorization"], length=len(body) + 20) + body

    received = exchange(server.base, raw, half_close=True)

    assert response_heads(received) == [b"HTTP/1.1 400 BAD REQUEST"]


def test_read_body_keeps_the_connection_open(server, make_user):
    _, headers = make_user()
    body = b'{"name": "Kept Open Co"}'
    post = post_head(headers["Authorization"], length=len(body)) + body
    closing_get = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

    received = exchange(server.base, post + closing_get)

    assert response_heads(received) == [b"HTTP/1.1 201 CREATED", b"HTTP/1.1 200 OK"]


def test_slow_bodies_leave_the_pool_to_others(server, make_user):
    _, headers = make_user()
    head = post_head(headers["Authorization"], length=50)
    # More waiting writes than both workers' pools hold (5 connections and 5 more
    # each): each sends its head, and its body never.
    waiting = [socket.create_connection(address(server.base), timeout=10) for _ in range(24)]
    try:
        for connection in waiting:
            connection.sendall(head)
        time.sleep(0.5)

        status, _ = request(f"{server.base}/api/clients", token=headers["Authorization"][7:])
    finally:
        for connection in waiting:
            connection.close()

    assert status == 200


def test_unknown_transfer_coding_is_501_not_implemented(server):
    raw = b"POST /api/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: xchunked\r\n\r\n"

    assert response_heads(exchange(server.base, raw)) == [b"HTTP/1.1 501 Not Implemented"]


def test_standard_reason_replaces_gunicorns():
    assert standard_reason(501, "Bad Request") == "Not Implemented"


def test_standard_reason_of_unknown_status():
    assert standard_reason(599, "Odd") == "Odd"


# A header line without a colon, so gunicorn rejects it and quotes it.
LEAKED_TOKEN = "ats_" + "s3cretTokenValue" * 3
HEADER_WITHOUT_COLON = get_with(extra_headers=f"Authorization Bearer {LEAKED_TOKEN}\r\n")


def test_rejected_header_hides_token_in_response(server):
    assert LEAKED_TOKEN.encode() not in exchange(server.base, HEADER_WITHOUT_COLON)


def test_rejected_header_hides_token_in_log(server):
    exchange(server.base, HEADER_WITHOUT_COLON)
    # gunicorn logs the rejection before it writes the response.
    log = server.log_path.read_text()

    assert LEAKED_TOKEN not in log


def test_redact_tokens_masks_each_token():
    text = redact_tokens("a ats_abc-DEF_123 b ats_x")

    assert text == "a ats_[redacted] b ats_[redacted]"


def test_redaction_prefix_is_the_token_prefix():
    assert REDACTED_PREFIX == TOKEN_PREFIX
