"""Loading many rows by id in one query."""

from sqlalchemy import select

from app.extensions import db
from app.services.rows import fetch_dicts


def load_by_ids(model, ids, *columns):
    """Return the ``model`` rows with ``ids``, in the order of ``ids``, None where missing.

    Rows are ORM objects, or dicts of ``columns`` when columns are given. One ``IN``
    query whatever the number of ids; repeated ids are fetched once and returned at
    every position they hold.
    """
    unique_ids = list(dict.fromkeys(ids))
    if not unique_ids:
        return []
    if columns:
        statement = select(model.id, *columns).where(model.id.in_(unique_ids))
        by_id = {row["id"]: row for row in fetch_dicts(statement)}
    else:
        statement = select(model).where(model.id.in_(unique_ids))
        by_id = {row.id: row for row in db.session.scalars(statement)}
    return [by_id.get(key) for key in ids]


def attach_many_to_one(rows, name, foreign_key, model, *columns):
    """Set ``row[name]`` on each row dict from one batch load of the rows it refers to.

    Meant for a many-to-one relation whose targets repeat across rows, such as the
    job of each application on a page. Each target is fetched and sent over the wire
    once, where a join would repeat its columns on every row.
    """
    targets = load_by_ids(model, [row[foreign_key] for row in rows], *columns)
    for row, target in zip(rows, targets, strict=True):
        row[name] = target
    return targets
