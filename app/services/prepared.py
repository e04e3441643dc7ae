"""Server-side prepared statements with generic plans, for statements costly to plan.

PostgreSQL plans every statement it receives as text. For the search page,
planning took longer than running the statement for most texts at the large
seed size, so search prepares it once per database connection and then sends
only EXECUTE with the values. psycopg2 has no prepared statements of its own, so
this module sends PREPARE itself and remembers, per connection, what it
prepared.

Prepared statements need a session that stays on one server connection: a
PgBouncer in transaction mode breaks them. DB_PREPARED_STATEMENTS=0 turns them
off, and then the statement text is sent as before.
"""

import hashlib
import logging
import re

import psycopg2
from flask import current_app
from psycopg2 import errorcodes
from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from sqlalchemy import exc, text

from app.extensions import db

logger = logging.getLogger(__name__)

# A bind parameter of a text() statement: ":name", but not the "::" of a cast.
BIND_PARAMETER = re.compile(r"(?<![:\w]):(\w+)\b(?!:)")

# The names this module prepared on a connection, in the DBAPI connection's info.
PREPARED_KEY = "prepared_statements"

# A generic plan skips planning on every EXECUTE. Without this setting, PostgreSQL
# plans the first five executions for their values, and afterwards uses the
# generic plan only when its estimated cost is close to theirs.
GENERIC_PLANS = "SET plan_cache_mode = force_generic_plan"


class PreparedStatement:
    """A text() statement that runs as a prepared statement where it can.

    ``types`` gives the SQL type of each bind parameter; the others are text.
    """

    def __init__(self, sql, types=None):
        types = types or {}
        names = []

        def number(match):
            name = match.group(1)
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"

        body = BIND_PARAMETER.sub(number, sql)
        self.text = text(sql)
        self.parameter_names = tuple(names)
        self.name = "ats_" + hashlib.sha256(body.encode()).hexdigest()[:24]
        # PostgreSQL rejects an empty pair of parentheses in both.
        parameter_types = ", ".join(types.get(name, "text") for name in names)
        placeholders = ", ".join("%s" for _ in names)
        self.prepare_sql = f"PREPARE {self.name}{_listed(parameter_types)} AS {body}"
        self.execute_sql = f"EXECUTE {self.name}{_listed(placeholders)}"


def _listed(items):
    return f" ({items})" if items else ""


# Errors after which the statement is prepared again, once: something deallocated
# it (DEALLOCATE ALL, DISCARD ALL), or a schema change altered its result type
# ("cached plan must not change result type"), which PostgreSQL does not replan.
PREPARE_AGAIN = {
    errorcodes.INVALID_SQL_STATEMENT_NAME: "was gone",
    errorcodes.FEATURE_NOT_SUPPORTED: "changed its result type",
}


def execute(statement, params):
    """Run ``statement`` with ``params``; return its rows as mappings.

    Outside autocommit mode, the statement text is sent instead. There a
    rollback would undo the session's SET, and a failed EXECUTE would abort the
    transaction, so the module could no longer know what the connection has.
    """
    connection = db.session.connection()
    raw = connection.connection.dbapi_connection
    if not current_app.config["DB_PREPARED_STATEMENTS"] or not _autocommit(raw):
        return connection.execute(statement.text, params).mappings().all()

    values = tuple(params[name] for name in statement.parameter_names)
    prepared = connection.info.setdefault(PREPARED_KEY, set())
    if statement.name not in prepared:
        _send(connection, raw, f"{GENERIC_PLANS}; {statement.prepare_sql}")
        prepared.add(statement.name)
    try:
        return connection.exec_driver_sql(statement.execute_sql, values).mappings().all()
    except exc.DBAPIError as error:
        code = getattr(error.orig, "pgcode", None)
        if code not in PREPARE_AGAIN:
            raise
        logger.warning(
            "Prepared statement %s %s, so it is prepared again",
            statement.name,
            PREPARE_AGAIN[code],
        )
        if code == errorcodes.INVALID_SQL_STATEMENT_NAME:
            # Whatever removed this one may have removed others too, but not
            # those prepared again since: forgetting all of them would make a
            # later PREPARE fail with "already exists".
            prepared.intersection_update(_server_statements(connection, raw))
            _send(connection, raw, f"{GENERIC_PLANS}; {statement.prepare_sql}")
        else:
            _send(connection, raw, f"DEALLOCATE {statement.name}; {statement.prepare_sql}")
        prepared.add(statement.name)
        return connection.exec_driver_sql(statement.execute_sql, values).mappings().all()


def _autocommit(raw):
    return raw.autocommit and raw.get_transaction_status() == TRANSACTION_STATUS_IDLE


SERVER_STATEMENTS = "SELECT name FROM pg_prepared_statements"


def _server_statements(connection, raw):
    """Return the names of the statements prepared on the connection's session."""
    return {name for (name,) in _send(connection, raw, SERVER_STATEMENTS, fetch=True)}


def _send(connection, raw, sql, fetch=False):
    """Send setup statements such as PREPARE, like the setup of a connection.

    Through the DBAPI cursor, so that SQLAlchemy's statement events see only the
    EXECUTE of each request. With ``fetch``, return the rows. A failure is raised
    as SQLAlchemy would raise it, so that the error handlers return 503 for a
    timeout or a lost connection, and a lost connection is dropped from the pool.
    """
    try:
        with raw.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if fetch else None
    except psycopg2.Error as error:
        lost = bool(raw.closed)
        if lost:
            connection.invalidate()
        raise exc.DBAPIError.instance(
            sql, None, error, psycopg2.Error, connection_invalidated=lost
        ) from error
