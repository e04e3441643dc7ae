"""Close the connection after a response to a request whose body was not read to its end.

gunicorn keeps a connection open after a response and, before it reads the next
request, reads and discards what is left of the previous body. When the app
responds without reading the body (a 401 before the JSON is parsed, a 413 at the
size limit), that discarding has two costs. A chunked body that is malformed
makes gunicorn write a second response, an error, which the client reads as the
response to its next request. An endless body keeps the worker reading for as long
as the client sends. Closing the connection instead costs a well-behaved client
one new connection after an error.

Only gunicorn's response object can close the connection: a ``Connection: close``
header from the app is dropped as hop-by-hop. The middleware reaches it through
the ``start_response`` that gunicorn passes, a bound method of that object. Other
servers, such as the test client, pass a plain function, and nothing is closed.
"""

from werkzeug.exceptions import BadRequest


class TrackedBody:
    """The request's input stream, noting whether it was read to its end.

    A body with a Content-Length ends after that many bytes, and a chunked body
    at the first empty read.
    """

    def __init__(self, stream, length):
        self.stream = stream
        self.length = length
        self.read_bytes = 0
        self.ended = False

    def _note(self, data, size):
        self.read_bytes += len(data)
        if self.length is not None and self.read_bytes >= self.length:
            self.ended = True
        elif not data and size != 0:
            if self.length is not None:
                # gunicorn returns what arrived when a client closes early.
                raise BadRequest(
                    f"The request body ended after {self.read_bytes} of the"
                    f" {self.length} bytes in Content-Length."
                )
            self.ended = True
        return data

    def read(self, size=-1):
        size = -1 if size is None else size
        return self._note(self.stream.read(size), size)

    def readline(self, size=-1):
        size = -1 if size is None else size
        return self._note(self.stream.readline(size), size)

    def __iter__(self):
        while line := self.readline():
            yield line


def _content_length(environ):
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class CloseAfterUnreadBody:
    """WSGI middleware: ask gunicorn to close the connection when the body was not all read."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        length = None if chunked else _content_length(environ)
        if not chunked and not length:
            # No body, or an empty one.
            return self.app(environ, start_response)
        body = TrackedBody(environ["wsgi.input"], length)
        environ["wsgi.input"] = body
        result = self.app(environ, start_response)
        if not body.ended:
            # Flask has called start_response, but gunicorn writes the headers only
            # when the first part of the body goes out, so they carry "close".
            force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
            if force_close is not None:
                force_close()
        return result
