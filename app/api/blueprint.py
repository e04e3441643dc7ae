"""The blueprint class of every /api resource: authenticated, strict about arguments."""

import flask_smorest
import marshmallow as ma
from webargs.flaskparser import FlaskParser

from app.api.authentication import authenticate_request


class StrictParser(FlaskParser):
    """Reject unknown query parameters as well as unknown body fields.

    A misspelled filter would otherwise be ignored and return unfiltered data.
    """

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(authenticate_request)
