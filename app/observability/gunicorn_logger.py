"""gunicorn's logger without its access log, which the app writes itself."""

from gunicorn.glogging import Logger


class AppAccessLogger(Logger):
    """gunicorn's logger, minus the access line.

    The app logs one access line per request with the route template, the user and
    the request id. gunicorn 27 builds its own access record for every request once
    any logging configuration is set, even when the level then drops it.
    """

    def access(self, resp, req, environ, request_time):
        return None
