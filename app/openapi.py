"""The flask-smorest Api: OpenAPI document, bearer-token scheme and error shape."""

import flask_smorest

from app.errors import ErrorSchema, handle_http_exception

BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API token from POST /api/auth/login or `flask tokens create`.",
}


class Api(flask_smorest.Api):
    """Api that documents and returns errors in the application's one error shape."""

    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.security_scheme("bearerAuth", BEARER_SCHEME)
        # Every /api route needs a token unless its view documents `security: []`.
        self.spec.options["security"] = [{"bearerAuth": []}]

    def handle_http_exception(self, error):
        return handle_http_exception(error)
