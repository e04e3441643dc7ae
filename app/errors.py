"""Turn every error into one JSON shape: ``{"error": {"code", "message", "fields"}}``.

HTTP errors (including Flask's 404/405 and webargs' validation errors), domain
exceptions from the services and database errors all pass through here. Details of a
500 go to the log, never to the client.
"""

import logging
import re

import marshmallow as ma
from flask import current_app, g, has_request_context, jsonify
from gunicorn.http.errors import NoMoreData, ParseException
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.naming import camelize
from app.services import exceptions as domain

logger = logging.getLogger(__name__)

# Machine-readable codes for plain HTTP errors.
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}

DOMAIN_ERROR_STATUS = {
    domain.AuthenticationFailed: 401,
    domain.PermissionDenied: 403,
    domain.NotFound: 404,
    domain.Conflict: 409,
    domain.InvalidInput: 422,
    domain.InvalidCursor: 400,
    domain.InvalidSort: 400,
    domain.UnknownSection: 400,
    domain.InvalidSearch: 400,
}

# Seconds a client should wait before retrying when the database is unavailable.
RETRY_AFTER_S = 2
# SQLSTATE of a statement cancelled by statement_timeout.
QUERY_CANCELED = "57014"


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(
        required=True, metadata={"description": "Machine-readable error code, e.g. `not_found`."}
    )
    message = ma.fields.String(required=True, metadata={"description": "A sentence for humans."})
    fields = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Only for validation errors: messages per request field."},
    )
    requestId = ma.fields.String(
        metadata={
            "description": "Only for 5xx errors: the request id (also in the X-Request-ID "
            "header) under which the server logged the details."
        },
    )


class ErrorSchema(ma.Schema):
    """The one error shape of the API."""

    error = ma.fields.Nested(ErrorDetailSchema, required=True)


def error_response(status, code, message, fields=None, headers=None):
    """Build a Flask response in the error shape."""
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    if status >= 500 and has_request_context() and "request_id" in g:
        body["requestId"] = g.request_id
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages, prefix=""):
    """Flatten marshmallow's nested error dict into ``{"a.b": [msg, ...]}``."""
    flat = {}
    if isinstance(messages, list):
        if prefix:
            flat[prefix] = [str(message) for message in messages]
        else:
            flat["_body"] = [str(message) for message in messages]
        return flat
    for key, value in messages.items():
        name = "_body" if key == "_schema" else str(key)
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict):
            flat.update(flatten_messages(value, path))
        else:
            flat[path] = [str(message) for message in value]
    return flat


def validation_fields(messages):
    """Turn webargs' ``{location: {field: [...]}}`` into one field map.

    Query and body fields rarely share names. Where they do, their messages are merged.
    """
    fields = {}
    for location_messages in messages.values():
        for name, field_messages in flatten_messages(location_messages).items():
            fields.setdefault(name, []).extend(field_messages)
    return fields


def handle_http_exception(error):
    """Render a werkzeug HTTPException, including webargs' validation aborts."""
    if isinstance(error, InternalServerError):
        return handle_unexpected_error(getattr(error, "original_exception", None) or error)

    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    headers = data.get("headers") or {}

    if messages and status == 400:
        return error_response(400, "malformed_json", "The request body is not valid JSON.")
    if messages:
        return error_response(
            422,
            "validation_failed",
            "The request contains invalid fields.",
            fields=validation_fields(messages),
            headers=headers,
        )

    code = HTTP_ERROR_CODES.get(status, "http_error")
    message = data.get("message") or error.description or error.name
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"The request body is larger than the maximum of {limit} bytes."
    if status == 405:
        headers = {**headers, "Allow": ", ".join(error.valid_methods or [])}
    return error_response(status, code, message, headers=headers)


def handle_domain_error(error):
    status = DOMAIN_ERROR_STATUS.get(type(error), 400)
    fields = None
    if error.fields:
        fields = {camelize(name): messages for name, messages in error.fields.items()}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(status, error.code, error.message, fields=fields, headers=headers)


def handle_database_unavailable(error):
    # hide_parameters in the engine options keeps bound values out of this message.
    # NOTE: PostgreSQL's own text can still quote a value, e.g. "invalid input
    # syntax for type uuid: ...". Tokens and passwords are stored only as hashes.
    logger.warning("Database unavailable: %s: %s", type(error).__name__, error)
    message = "The database is unavailable. Retry shortly."
    if getattr(getattr(error, "orig", None), "pgcode", None) == QUERY_CANCELED:
        message = "A database query took longer than the statement timeout. Retry shortly."
    return error_response(
        503,
        "service_unavailable",
        message,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def handle_unexpected_error(error):
    logger.error(
        "Unhandled exception", exc_info=error if isinstance(error, BaseException) else None
    )
    return error_response(500, "internal_error", "An unexpected error occurred.")


def handle_unreadable_body(error):
    """Reject a body that gunicorn could not read, such as a chunk of invalid size or a cut one.

    gunicorn reads the body only when the app reads the stream, so the error surfaces
    in the app, and not in gunicorn's own error responses. The error's text quotes
    bytes of the body, which may contain a password, so only its type is reported.
    """
    problem = re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__).lower()
    logger.warning("Unreadable request body: %s", problem)
    return error_response(400, "bad_request", f"The request body could not be read: {problem}.")


def handle_database_error(error):
    # Statement timeouts and broken connections are transient; anything else is a bug.
    if isinstance(error, OperationalError) or getattr(error, "connection_invalidated", False):
        return handle_database_unavailable(error)
    return handle_unexpected_error(error)


def init_app(app):
    """Register the handlers. flask-smorest's Api routes HTTPException here too."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(domain.DomainError, handle_domain_error)
    app.register_error_handler(PoolTimeoutError, handle_database_unavailable)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(ParseException, handle_unreadable_body)
    app.register_error_handler(NoMoreData, handle_unreadable_body)
    app.register_error_handler(Exception, handle_unexpected_error)
