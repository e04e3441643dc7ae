"""The error that a /ws message gets as an error reply, with its code."""


class ProtocolError(Exception):
    """A client message that is rejected with ``{"type": "error", "code", "message"}``."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message
