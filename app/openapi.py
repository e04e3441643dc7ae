"""The flask-smorest Api: OpenAPI document, bearer-token scheme and error shape."""

from http import HTTPStatus

import flask_smorest
from apispec import BasePlugin

from app.errors import ErrorSchema, handle_http_exception

BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API token from POST /api/auth/login, POST /api/tokens "
    "or `flask tokens create`.",
}
BODY_METHODS = ("post", "put", "patch")
WRITE_METHODS = ("post", "put", "patch", "delete")
# Query parameters whose values the services check beyond their type: a cursor
# that fails its signature check, an unknown sort key, dashboard section, search
# type, or a blank or too long search text gets 400.
CHECKED_QUERY_PARAMETERS = ("cursor", "sortBy", "include", "q", "type")
# gunicorn rejects a request line over limit_request_line (gunicorn.conf.py), and
# a header over its limits, before the app runs. app/observability/gunicorn_errors.py
# writes those responses in the error shape.
GUNICORN_LIMIT_STATUSES = (414, 431)


def _response_name(status):
    """Return the name of flask-smorest's response component for a status code."""
    return HTTPStatus(status).name


class ErrorResponsesPlugin(BasePlugin):
    """Document the error statuses each operation can return, instead of a `default`.

    The statuses follow from the steps a request passes through. Authentication
    gives 401, and roles 403. The body checks of app/api/blueprint.py give 400, 413
    and 415. Argument validation gives 422 on every operation, because unknown query
    parameters are rejected everywhere. Id lookups give 404, unique and dependency
    rules of writes 409, and the database 503. gunicorn gives 414 for a request line
    that is too long, and 431 for headers. Views add the rest themselves, such as
    401 and 429 on login.
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            errors = [422, 503]
            if operation.get("security") != []:
                errors += [401, 403]
                if method in WRITE_METHODS:
                    errors.append(409)
            if "{" in (path or ""):
                errors.append(404)
            if method in BODY_METHODS:
                errors += [400, 413, 415]
            parameters = operation.get("parameters", [])
            if any(parameter.get("name") in CHECKED_QUERY_PARAMETERS for parameter in parameters):
                errors.append(400)
            errors += GUNICORN_LIMIT_STATUSES
            for status in sorted(set(errors)):
                responses.setdefault(str(status), _response_name(status))


class Api(flask_smorest.Api):
    """Api that documents and returns errors in the application's one error shape."""

    ERROR_SCHEMA = ErrorSchema
    # Every error status is listed per operation by ErrorResponsesPlugin, so that a
    # client (and Schemathesis) can tell a documented error from an unexpected one.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def init_app(self, app, *, spec_kwargs=None):
        spec_kwargs = {**(spec_kwargs or {}), "extra_plugins": [ErrorResponsesPlugin()]}
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.security_scheme("bearerAuth", BEARER_SCHEME)
        # Every /api route needs a token unless its view documents `security: []`.
        self.spec.options["security"] = [{"bearerAuth": []}]

    def handle_http_exception(self, error):
        return handle_http_exception(error)
