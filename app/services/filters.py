"""Filters that every list offers, and the job scope of the dashboard."""

from app.models import Job


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


def job_conditions(client_id=None, owner_id=None):
    """Return the conditions on Job that select one client's or one owner's jobs."""
    conditions = []
    if client_id is not None:
        conditions.append(Job.client_id == client_id)
    if owner_id is not None:
        conditions.append(Job.owner_id == owner_id)
    return conditions
