"""Read queries that return plain dicts instead of ORM objects.

A list page reads many rows, and building ORM objects for them (identity map,
attribute instrumentation) costs about twice as much as the query itself. The read
paths therefore select labelled columns and turn each row into a dict, which the
marshmallow schemas dump like an object. A label ``client__name`` becomes
``{"client": {"name": ...}}``, for embedded summaries.
"""

from app.extensions import db
from app.services.exceptions import NotFound

SEPARATOR = "__"


def read_columns(model):
    """Return the columns of ``model``'s table that reads select.

    The search vector is left out: only search uses it, and for a job with a long
    description it can be larger than the rest of the row.
    """
    return [column for column in model.__table__.c if column.key != "search_vector"]


def embedded(prefix, *columns):
    """Label ``columns`` so that they land in the nested dict ``prefix`` of each row."""
    return [column.label(f"{prefix}{SEPARATOR}{column.key}") for column in columns]


def _key_plan(keys):
    """Return ``(prefix, name)`` per result column: prefix None for a top-level key."""
    plan = []
    for key in keys:
        prefix, separator, name = key.partition(SEPARATOR)
        plan.append((prefix, name) if separator else (None, key))
    return plan


def _to_dict(plan, row):
    result = {}
    for (prefix, name), value in zip(plan, row, strict=True):
        if prefix is None:
            result[name] = value
        else:
            result.setdefault(prefix, {})[name] = value
    return result


def to_dict(mapping):
    """Turn one result row into a dict, nesting the labels made by ``embedded``."""
    return _to_dict(_key_plan(mapping.keys()), mapping.values())


def fetch_dicts(statement, parameters=None):
    """Run ``statement`` with ``parameters`` and return its rows as dicts.

    The labels are split once per result, not once per row.
    """
    result = db.session.execute(statement, parameters)
    plan = _key_plan(result.keys())
    return [_to_dict(plan, row) for row in result]


def fetch_dict(statement, *, missing):
    """Return the one row of ``statement`` as a dict, or raise NotFound with ``missing``."""
    row = db.session.execute(statement).mappings().first()
    if row is None:
        raise NotFound(missing)
    return to_dict(row)
