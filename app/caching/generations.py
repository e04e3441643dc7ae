"""Generation counters per data family, kept in PostgreSQL next to the data.

A cached result is stored under the generations of the families it was computed
from. A write bumps the generations of the families it changes in its own
transaction, so the new data and the new generation become visible together, to
every worker at once: the next read looks up a key that no reader has stored yet and
computes a fresh result. Nothing is deleted from the cache; old entries expire.

A reader reads the generations before it reads the data, so what it stores under
a generation is never older than that generation.
"""

from flask import has_request_context, request
from sqlalchemy import bindparam, literal_column, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import String

from app.extensions import db

FAMILY_OF_ENTITY = {
    "client": "clients",
    "job": "jobs",
    "candidate": "candidates",
    "job_candidate": "applications",
    "user": "users",
}
FAMILIES = tuple(sorted(FAMILY_OF_ENTITY.values()))

SESSION_KEY = "changed_cache_families"

# A family's generation is the sum of its shard rows, and a write adds one to the
# shard of its database session. Concurrent writes on different connections then
# rarely wait for each other's row lock until commit, and every bump still
# changes the sum. Rows are locked in the order of the array, which the callers
# sort, so two writes bumping the same families in one shard cannot deadlock.
SHARDS = 64

_BUMP = text(
    "INSERT INTO cache_generations AS generations (family, shard, generation) "
    f"SELECT family, pg_backend_pid() % {SHARDS}, 1 FROM unnest(:families) AS family "
    "ON CONFLICT (family, shard) DO UPDATE SET generation = generations.generation + 1"
).bindparams(bindparam("families", type_=ARRAY(String)))


# Every family's generation as a JSON object: the column that read() selects, and
# that a statement reading something else may select too (see read_with).
SUMS_COLUMN = literal_column(
    "(SELECT json_object_agg(family, generation) FROM "
    "(SELECT family, sum(generation)::bigint AS generation FROM cache_generations "
    "GROUP BY family) AS sums)"
).label("cache_generations")

# The WSGI environ key under which read_with keeps the generations for the rest
# of the request. Not flask.g: a test can send several requests in one app context.
READ_ALREADY = "ats.cache_generations"


def mark_changed(entity_type):
    """Note that the current transaction changes the family of ``entity_type``."""
    db.session.info.setdefault(SESSION_KEY, set()).add(FAMILY_OF_ENTITY[entity_type])


def bump_marked():
    """Bump the families marked in this transaction; call it just before commit.

    Bumping last keeps the counter rows locked only for the commit itself.
    """
    families = db.session.info.pop(SESSION_KEY, None)
    if families:
        db.session.execute(_BUMP, {"families": sorted(families)})


def discard_marked():
    """Forget the marks of a transaction that rolled back."""
    db.session.info.pop(SESSION_KEY, None)


def read(families=FAMILIES):
    """Return the generation of each of ``families``, by family.

    Returns what read_with noted in this request, without a query, if anything.
    """
    found = request.environ.get(READ_ALREADY) if has_request_context() else None
    if found is None:
        found = db.session.execute(select(SUMS_COLUMN)).scalar() or {}
    return {family: found.get(family, 0) for family in families}


def read_with(row):
    """Note the generations of a row that selected SUMS_COLUMN, for read() in this request.

    A request that reads the generations anyway saves a round trip by selecting
    them in its first statement. That statement must come before the request
    reads any cached data, as read() must.
    """
    request.environ[READ_ALREADY] = row.cache_generations or {}
