"""Deleting a row together with the rows that depend on it, only when asked to."""

from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import Job, JobCandidate
from app.services.activities import record_deleted_applications, record_deleted_jobs
from app.services.exceptions import Conflict


def count_rows(model, condition):
    return db.session.scalar(select(func.count()).select_from(model).where(condition))


def require_cascade(count, dependents, owner, cascade):
    """Raise Conflict when ``count`` dependent rows exist and the caller did not ask to cascade."""
    if count and not cascade:
        raise Conflict(
            f"The {owner} has {count} {dependents}. Delete them first, "
            f"or retry with cascade=true to delete them with the {owner}.",
            code="has_dependents",
        )


def delete_applications(actor, condition):
    """Delete the applications matching ``condition``, logging a ``deleted`` activity for each."""
    record_deleted_applications(actor, condition)
    db.session.execute(
        delete(JobCandidate).where(condition), execution_options={"synchronize_session": False}
    )


def delete_jobs(actor, condition):
    """Delete the jobs matching ``condition`` and their applications, logging each one."""
    delete_applications(actor, JobCandidate.job_id.in_(select(Job.id).where(condition)))
    record_deleted_jobs(actor, condition)
    db.session.execute(
        delete(Job).where(condition), execution_options={"synchronize_session": False}
    )
