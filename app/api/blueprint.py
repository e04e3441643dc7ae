"""The blueprint class of every /api resource: authenticated, strict about arguments."""

import json
from urllib.parse import unquote_to_bytes

import flask_smorest
import marshmallow as ma
from flask import current_app, request
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import (
    BadRequest,
    RequestEntityTooLarge,
    UnprocessableEntity,
    UnsupportedMediaType,
)

from app.api.authentication import authenticate_request
from app.api.json_limits import check_json_shape
from app.services.autocommit import leave_autocommit, read_in_autocommit

BODY_METHODS = ("POST", "PUT", "PATCH")
READ_METHODS = ("GET", "HEAD")


class StrictParser(FlaskParser):
    """A webargs parser that rejects what FlaskParser would silently ignore.

    Unknown query parameters and a repeated single-value parameter fail validation,
    because a misspelled or doubled filter would otherwise change the result without
    any error. JSON that Python's decoder cannot handle (nesting deeper than the
    recursion limit, integers over 4,300 digits) is reported as malformed, and a
    document beyond MAX_JSON_DEPTH or MAX_JSON_ARRAY_ITEMS fails validation before
    the schema walks it.
    """

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }

    def load_querystring(self, req, schema):
        repeated = {
            name: ["Give this parameter once: it takes a single value."]
            for name in req.args
            if len(req.args.getlist(name)) > 1 and not _is_list_field(schema, name)
        }
        if repeated:
            raise ma.ValidationError(repeated)
        return super().load_querystring(req, schema)

    def _raw_load_json(self, req):
        try:
            document = super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise
        except (RecursionError, ValueError) as error:
            # A non-empty document, so that webargs reports invalid JSON, not a missing body.
            raise json.JSONDecodeError(type(error).__name__, "<body>", 0) from None
        check_json_shape(
            document,
            max_depth=current_app.config["MAX_JSON_DEPTH"],
            max_items=current_app.config["MAX_JSON_ARRAY_ITEMS"],
        )
        return document


def _is_list_field(schema, data_key):
    for name, field in schema.fields.items():
        if (field.data_key or name) == data_key:
            return isinstance(field, ma.fields.List)
    return False


def _view_handler():
    """Return the function that serves this request: a MethodView's method, or the view."""
    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    handler = getattr(view_class, request.method.lower(), None)
    # MethodView serves HEAD with its get() when it defines no head().
    if handler is None and request.method == "HEAD":
        handler = getattr(view_class, "get", None)
    return handler


def reject_undecodable_query():
    """Reject a query string whose percent-escapes do not decode as UTF-8 (400).

    werkzeug keeps such an escape as its literal text, so ``q=%FF`` would search
    for "%FF" and ``limit=%FF`` would report an invalid number, not the encoding.
    """
    raw = request.query_string
    if b"%" not in raw:
        return
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(
            "The query string has percent-escapes that are not UTF-8. "
            "Encode each parameter as UTF-8 before percent-encoding it."
        ) from None


def reject_undeclared_query():
    """Reject query parameters on a view that declares none, such as a POST or a detail GET.

    StrictParser checks the parameters of views that declare query arguments; other
    views would silently ignore them, e.g. a `?cascade=true` on a delete that has no
    cascade option.
    """
    if not request.args or getattr(_view_handler(), "accepts_query", False):
        return
    error = UnprocessableEntity()
    error.data = {"messages": {"query": {name: ["Unknown field."] for name in request.args}}}
    raise error


def require_json_body():
    """Reject a request body that is not JSON (415) or that was cut at the size limit (413).

    webargs would ignore a non-JSON body, so a form-encoded PATCH would succeed
    without changing anything. A chunked body has no Content-Length, and werkzeug
    silently stops reading it at MAX_CONTENT_LENGTH.
    """
    if request.method not in BODY_METHODS:
        return
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if not request.content_length and not chunked:
        return
    if not request.is_json:
        raise UnsupportedMediaType(
            "Send the request body as JSON with Content-Type: application/json."
        )
    max_length = current_app.config.get("MAX_CONTENT_LENGTH")
    if chunked and max_length and len(request.get_data(cache=True)) >= max_length:
        raise RequestEntityTooLarge()


def start_reading():
    """Run the token lookup, and every statement of a GET or HEAD, without BEGIN and ROLLBACK."""
    read_in_autocommit()


def release_connection():
    """Give the token lookup's connection back to the pool unless the request only reads.

    A write's view reads the request body before its first statement. Held until
    then, the connection would wait idle in a transaction for as long as a slow
    client takes to send the body: with 24 such clients, every other request got
    503 when the pool ran out. The write's transaction takes a connection again.
    """
    if request.method not in READ_METHODS:
        leave_autocommit()


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(start_reading)
        self.before_request(authenticate_request)
        self.before_request(release_connection)
        self.before_request(reject_undecodable_query)
        self.before_request(reject_undeclared_query)
        self.before_request(require_json_body)

    def arguments(self, schema, *, location="json", **kwargs):
        """Declare arguments as flask-smorest does, and mark views that read the query string."""
        # webargs instantiates a schema class on every request; an instance is reused.
        if isinstance(schema, type):
            schema = schema()
        decorator = super().arguments(schema, location=location, **kwargs)
        if location != "query":
            return decorator

        def mark(function):
            wrapped = decorator(function)
            wrapped.accepts_query = True
            return wrapped

        return mark
