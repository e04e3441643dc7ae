"""gunicorn's error responses to requests it cannot parse, in the API's JSON error shape.

gunicorn rejects some requests before the app receives them: a request line or a
header over its limits, a line that is not HTTP, a malformed chunked body. It
writes those responses through ``gunicorn.util.write_error`` as an HTML page,
while every client of this API parses ``{"error": {"code", "message"}}``.
gunicorn.conf.py installs ``write_json_error`` in its place in each worker.
Which errors are the client's, and their status, stay gunicorn's decision.
"""

import json
from http import HTTPStatus

from gunicorn import util

from app.observability.redaction import redact_tokens

# The codes of app/errors.py for the statuses the app also returns, and the
# status's own name for the others.
CODES = {
    400: "bad_request",
    403: "forbidden",
    414: "uri_too_long",
    417: "expectation_failed",
    431: "request_header_fields_too_large",
    500: "internal_error",
    501: "not_implemented",
}

# gunicorn's detail quotes the rejected request line or header, up to 8 KiB.
MAX_DETAIL_CHARACTERS = 200


def error_code(status):
    """Return the error code for ``status``: CODES, else the status's name in snake case."""
    if status in CODES:
        return CODES[status]
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "http_error"
    return phrase.lower().replace(" ", "_").replace("-", "_")


def standard_reason(status, reason):
    """Return the standard reason phrase of ``status``, else gunicorn's ``reason``.

    gunicorn gives 501 for an unsupported transfer coding with the reason of its
    400s, "Bad Request".
    """
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return reason


def error_message(status, reason, detail):
    """Return a sentence for ``status``, with gunicorn's ``detail`` shortened and tokens masked."""
    if status >= 500 or not detail:
        return f"{reason}."
    detail = redact_tokens(detail)
    if len(detail) > MAX_DETAIL_CHARACTERS:
        detail = detail[:MAX_DETAIL_CHARACTERS] + "…"
    return f"{reason}: {detail}"


def error_response(status, reason, detail):
    """Return the whole HTTP response for a request gunicorn rejected, as bytes."""
    reason = standard_reason(status, reason)
    body = json.dumps(
        {"error": {"code": error_code(status), "message": error_message(status, reason, detail)}}
    ).encode("ascii")
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "\r\n"
    )
    return head.encode("latin-1") + body


def write_json_error(sock, status_int, reason, mesg):
    """Write gunicorn's error response in the JSON error shape (see ``util.write_error``)."""
    util.write_nonblock(sock, error_response(status_int, reason, mesg))


def install():
    """Make gunicorn write its error responses with ``write_json_error``."""
    util.write_error = write_json_error
