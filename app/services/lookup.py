"""Loading one entity by a statement, or raising NotFound."""

from app.extensions import db
from app.services.exceptions import NotFound


def fetch_one(statement, model, *, for_update=False, missing="Not found."):
    """Return the entity ``statement`` selects, or raise NotFound with the ``missing`` message.

    ``for_update`` locks the row of ``model`` only, not the rows of eagerly joined
    relations.
    """
    if for_update:
        statement = statement.with_for_update(of=model)
    entity = db.session.scalar(statement)
    if entity is None:
        raise NotFound(missing)
    return entity
