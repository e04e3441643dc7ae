"""Log formatting: one JSON object per line on stdout, or readable text for development."""

import datetime as dt
import json
import logging
import sys

from flask import g, has_request_context
from pythonjsonlogger.orjson import OrjsonFormatter

# LogRecord attributes that every JSON line carries, and their names there. The
# pid tells the gunicorn workers apart.
JSON_FIELDS = ("levelname", "name", "message", "process")
RENAMED_FIELDS = {"levelname": "level", "name": "logger", "process": "pid"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(requestId)s]: %(message)s"


class RequestContextFilter(logging.Filter):
    """Add ``requestId`` and ``userId`` of the current request to every record.

    Records logged outside a request, such as at startup, get None for both.
    """

    def filter(self, record):
        # The access line passes both fields itself.
        if hasattr(record, "requestId") and hasattr(record, "userId"):
            return True
        request_id, user_id = current_request_ids()
        if not hasattr(record, "requestId"):
            record.requestId = request_id
        if not hasattr(record, "userId"):
            record.userId = user_id
        return True


def current_request_ids():
    """Return ``(request id, user id)`` of the current request, None for each one missing."""
    if not has_request_context():
        return None, None
    user = g.get("current_user")
    return g.get("request_id"), str(user.id) if user is not None else None


def _encode_fallback(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


class JsonLineFormatter(OrjsonFormatter):
    """python-json-logger's orjson formatter, with the stdlib encoder as a fallback.

    orjson costs a few microseconds per line instead of tens, which matters for the
    access line of every request. It rejects strings with lone surrogates and
    integers wider than 64 bits. A record holding one is encoded by the stdlib
    instead, with non-ASCII characters escaped, so that it can still be written.
    """

    def jsonify_log_record(self, log_data):
        try:
            return super().jsonify_log_record(log_data)
        except TypeError:
            # orjson.JSONEncodeError is a TypeError.
            return json.dumps(log_data, default=_encode_fallback)


def json_formatter():
    """Return the formatter of one JSON object per line, with a UTC ISO 8601 timestamp."""
    return JsonLineFormatter(JSON_FIELDS, rename_fields=RENAMED_FIELDS, timestamp=True)


def text_formatter():
    # gunicorn's own records (startup, rejected requests) reach this formatter
    # without passing RequestContextFilter, so they carry no requestId.
    return logging.Formatter(TEXT_FORMAT, defaults={"requestId": None})


def configure_logging(level, log_format):
    """Send every log record to stdout in ``log_format`` ("json" or "text").

    Replaces the handler a previous call installed, so that creating several apps
    in one process (as the tests do) leaves a single handler.
    """
    if log_format not in ("json", "text"):
        raise RuntimeError(f'LOG_FORMAT must be "json" or "text", got {log_format!r}')

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(json_formatter() if log_format == "json" else text_formatter())
    handler.addFilter(RequestContextFilter())
    handler.is_app_handler = True

    # No format here shows thread or multiprocessing names or the calling line, and
    # looking them up costs time on every record. The "Optimization" section of the
    # logging HOWTO names these switches.
    logging.logThreads = False
    logging.logMultiprocessing = False
    logging._srcfile = None

    root = logging.getLogger()
    for previous in [h for h in root.handlers if getattr(h, "is_app_handler", False)]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(level)
