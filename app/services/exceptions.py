"""Domain exceptions raised by the services; app/errors.py maps them to HTTP responses.

Field names are the model's snake_case attribute names; the error handler turns them
into the API's camelCase keys.
"""


class DomainError(Exception):
    """Base class: ``code`` is the machine-readable error code sent to clients."""

    code = "domain_error"

    def __init__(self, message, *, code=None, fields=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = fields


class AuthenticationFailed(DomainError):
    """The request carries no valid credentials."""

    code = "unauthorized"


class PermissionDenied(DomainError):
    """The authenticated user's role does not allow the action."""

    code = "forbidden"


class NotFound(DomainError):
    """The requested entity does not exist."""

    code = "not_found"


class Conflict(DomainError):
    """The request contradicts stored state: a duplicate, or rows that depend on the target."""

    code = "conflict"


class InvalidInput(DomainError):
    """The values are well-formed but break a domain rule, or reference unknown rows."""

    code = "validation_failed"

    def __init__(self, field, message):
        super().__init__("The request contains invalid fields.", fields={field: [message]})


class InvalidSort(DomainError):
    """A sort key that the list does not offer."""

    code = "invalid_sort"


class UnknownSection(DomainError):
    """A dashboard section name that the batch endpoint does not offer."""

    code = "unknown_section"


class InvalidCursor(DomainError):
    """A pagination cursor that is malformed, tampered with, or made for another query."""

    code = "invalid_cursor"


class InvalidSearch(DomainError):
    """Search arguments that cannot be searched: missing or too long text, an unknown type."""

    code = "invalid_search"

    def __init__(self, field, message):
        super().__init__(message, fields={field: [message]})
