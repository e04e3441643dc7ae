"""UUIDs read from PostgreSQL keep their text and parse it only when compared.

psycopg2's own typecaster builds a uuid.UUID from each value's text, and the
JSON dump turns it back into the same text. A page of 50 jobs carries about 250
UUIDs (ids, client, owner), and that round trip was a fifth of the request's
instructions, counted with callgrind. A DatabaseUUID is a uuid.UUID that keeps
the text PostgreSQL sent, which is already the canonical lowercase form.
``str()`` returns that text, and the 128-bit integer behind equality, hashing
and ordering is parsed on first use. Everything else behaves as for uuid.UUID.
"""

import uuid

import psycopg2.extensions
from sqlalchemy import event

# PostgreSQL's type OIDs of uuid and uuid[], as psycopg2.extras.register_uuid uses them.
UUID_OID = 2950
UUID_ARRAY_OID = 2951

_INT_SLOT = uuid.UUID.__dict__["int"]


class DatabaseUUID(uuid.UUID):
    """A uuid.UUID built from PostgreSQL's text form of the value."""

    __slots__ = ("_text",)

    @property
    def int(self):
        try:
            return _INT_SLOT.__get__(self, DatabaseUUID)
        except AttributeError:
            value = int(self._text.replace("-", ""), 16)
            _INT_SLOT.__set__(self, value)
            return value

    @property
    def is_safe(self):
        return uuid.SafeUUID.unknown

    def __str__(self):
        return self._text

    def __repr__(self):
        # Cache keys are built from the repr of arguments (Flask-Caching's memoize,
        # app/caching), so a value must give the same key whichever class it has.
        return f"UUID('{self._text}')"

    # NOTE: SQLAlchemy's literal() infers no type from this subclass (NullType),
    # so a literal() of a DatabaseUUID needs its type named: literal(value, Uuid).

    def __reduce__(self):
        # Copies, pickles and cached values become plain uuid.UUID objects.
        return uuid.UUID, (self._text,)


_new = object.__new__
_set_text = DatabaseUUID.__dict__["_text"].__set__


def _cast(text, cursor):
    if text is None:
        return None
    value = _new(DatabaseUUID)
    _set_text(value, text)
    return value


UUID_TYPE = psycopg2.extensions.new_type((UUID_OID,), "UUID", _cast)
UUID_ARRAY_TYPE = psycopg2.extensions.new_array_type((UUID_ARRAY_OID,), "UUID[]", UUID_TYPE)


def _register(dbapi_connection, connection_record):
    # Runs after the dialect's own connect hook, which registers uuid.UUID.
    psycopg2.extensions.register_type(UUID_TYPE, dbapi_connection)
    psycopg2.extensions.register_type(UUID_ARRAY_TYPE, dbapi_connection)


def read_uuids_as_text(engine):
    """Make every new connection of ``engine`` return uuid values as DatabaseUUID."""
    event.listen(engine, "connect", _register)
