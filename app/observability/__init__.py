"""Structured logs, request ids, access lines and request metrics."""

from app.observability.log_format import configure_logging


def init_app(app):
    """Configure logging for ``app`` and, unless OBSERVE_REQUESTS is off, observe each request."""
    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    if app.config["OBSERVE_REQUESTS"]:
        # Imported here because it loads prometheus-client, which must not run in
        # gunicorn's master process: gunicorn.conf.py imports log_format from this package.
        from app.observability import request_context

        request_context.init_app(app)
