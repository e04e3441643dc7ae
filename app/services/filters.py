"""Filters that every list offers."""


def time_window(statement, model, *, created_after=None, created_before=None, updated_after=None):
    """Limit ``statement`` to rows of ``model`` created or updated within the given bounds.

    The bounds are exclusive: ``created_after=t`` excludes a row created exactly at t.
    """
    if created_after is not None:
        statement = statement.where(model.created_at > created_after)
    if created_before is not None:
        statement = statement.where(model.created_at < created_before)
    if updated_after is not None:
        statement = statement.where(model.updated_at > updated_after)
    return statement
