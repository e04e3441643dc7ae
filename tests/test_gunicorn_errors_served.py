"""Requests that gunicorn rejects before the app runs still get the JSON error shape."""

import json
import socket

import pytest

from app.observability.gunicorn_errors import error_code, error_message, error_response


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


def post_chunked(body):
    return (
        "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    ).encode("latin-1")


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
