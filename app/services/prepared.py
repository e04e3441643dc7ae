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
        parameter_types = ", ".join(types.get(name, "text") for name in names)
        self.prepare_sql = f"PREPARE {self.name} ({parameter_types}) AS {body}"
        placeholders = ", ".join("%s" for _ in names)
        self.execute_sql = f"EXECUTE {self.name} ({placeholders})"


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
        _prepare(raw, statement)
        prepared.add(statement.name)
    try:
        return connection.exec_driver_sql(statement.execute_sql, values).mappings().all()
    except exc.DBAPIError as error:
        # Something else deallocated it (DEALLOCATE ALL, DISCARD ALL): prepare again.
        if getattr(error.orig, "pgcode", None) != errorcodes.INVALID_SQL_STATEMENT_NAME:
            raise
        logger.warning("Prepared statement %s was gone; preparing it again", statement.name)
        prepared.clear()
        _prepare(raw, statement)
        prepared.add(statement.name)
        return connection.exec_driver_sql(statement.execute_sql, values).mappings().all()


def _autocommit(raw):
    return raw.autocommit and raw.get_transaction_status() == TRANSACTION_STATUS_IDLE


def _prepare(raw, statement):
    """Send the setting and PREPARE in one round trip, like the setup of a connection.

    Through the DBAPI cursor, so that SQLAlchemy's statement events see only the
    EXECUTE of each request.
    """
    with raw.cursor() as cursor:
        cursor.execute(f"{GENERIC_PLANS}; {statement.prepare_sql}")
