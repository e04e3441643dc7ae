"""The blueprint class of every /api resource: authenticated, strict about arguments."""

import flask_smorest
import marshmallow as ma
from flask import request
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import UnsupportedMediaType

from app.api.authentication import authenticate_request

BODY_METHODS = ("POST", "PUT", "PATCH")


class StrictParser(FlaskParser):
    """Reject unknown query parameters as well as unknown body fields.

    A misspelled filter would otherwise be ignored and return unfiltered data.
    """

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }


def require_json_body():
    """Raise 415 for a request body that is not JSON.

    webargs would ignore such a body, so a form-encoded PATCH would succeed
    without changing anything.
    """
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding")
    if request.method in BODY_METHODS and has_body and not request.is_json:
        raise UnsupportedMediaType(
            "Send the request body as JSON with Content-Type: application/json."
        )


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(authenticate_request)
        self.before_request(require_json_body)
