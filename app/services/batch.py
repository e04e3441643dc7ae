"""Loading many rows by id in one query."""

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db


def load_by_ids(model, ids, *options):
    """Return the ``model`` rows with ``ids``, in the order of ``ids``, None where missing.

    One ``IN`` query whatever the number of ids; repeated ids are fetched once and
    returned at every position they hold.
    """
    unique_ids = list(dict.fromkeys(ids))
    if not unique_ids:
        return []
    statement = select(model).where(model.id.in_(unique_ids)).options(*options)
    by_id = {row.id: row for row in db.session.scalars(statement)}
    return [by_id.get(key) for key in ids]


def attach_many_to_one(rows, relation, foreign_key, model, *options):
    """Set ``relation`` on each of ``rows`` from one batch load of the rows it refers to.

    For a many-to-one relation whose targets repeat across rows, such as the job of
    each application on a page: each target is fetched and sent over the wire once,
    where a join would repeat its columns on every row.
    """
    targets = load_by_ids(model, [getattr(row, foreign_key) for row in rows], *options)
    for row, target in zip(rows, targets, strict=True):
        set_committed_value(row, relation, target)
    return targets
