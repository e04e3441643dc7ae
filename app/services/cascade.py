"""Deleting a row together with the rows that depend on it, only when asked to.

Each bulk delete writes its ``deleted`` activities in the same statement, from the
rows the DELETE returned, so the log matches what was deleted even when concurrent
transactions change the set of matching rows between statements.
"""

from sqlalchemy import Uuid, delete, func, insert, literal, select

from app.caching import generations
from app.extensions import db
from app.models import Activity, Job, JobCandidate
from app.services.activities import record_activity
from app.services.exceptions import Conflict

ACTIVITY_COLUMNS = (
    "actor_id",
    "action",
    "entity_type",
    "entity_id",
    "job_id",
    "candidate_id",
    "client_id",
)


def count_rows(model, condition):
    return db.session.scalar(select(func.count()).select_from(model).where(condition))


def lock_jobs(condition):
    """Lock the jobs matching ``condition`` against concurrent changes and return their ids.

    A job being moved to another client, or getting a new application, waits until
    the deleting transaction ends.
    """
    return db.session.scalars(select(Job.id).where(condition).with_for_update()).all()


def require_cascade(count, dependents, owner, cascade):
    """Raise Conflict when ``count`` dependent rows exist and the caller did not ask to cascade."""
    if count and not cascade:
        raise Conflict(
            f"The {owner} has {count} {dependents}. Delete them first, "
            f"or retry with cascade=true to delete them with the {owner}.",
            code="has_dependents",
        )


def _deleted_activities(actor, entity_type, deleted, *, job_id, candidate_id, client_id):
    generations.mark_changed(entity_type)
    return select(
        # A DatabaseUUID gives literal() no type to infer, so name it.
        literal(actor.id, Uuid).label("actor_id"),
        literal("deleted").label("action"),
        literal(entity_type).label("entity_type"),
        deleted.c.id,
        job_id,
        candidate_id,
        client_id,
    )


def delete_with_applications(actor, entity, owner, applications, *, cascade):
    """Delete ``entity``, refusing while applications match ``applications`` unless ``cascade``.

    With ``cascade`` the applications are deleted first. Logs each deleted row and
    returns the number of applications deleted.
    """
    count = count_rows(JobCandidate, applications)
    require_cascade(count, "applications", owner, cascade)
    if count:
        delete_applications(actor, applications)
    record_activity(actor, "deleted", entity, {"cascadedApplications": count})
    db.session.delete(entity)
    return count


def delete_applications(actor, condition):
    """Delete the applications matching ``condition``, logging a ``deleted`` activity for each."""
    deleted = (
        delete(JobCandidate)
        .where(condition)
        .returning(JobCandidate.id, JobCandidate.job_id, JobCandidate.candidate_id)
        .cte("deleted_applications")
    )
    rows = _deleted_activities(
        actor,
        "job_candidate",
        deleted,
        job_id=deleted.c.job_id,
        candidate_id=deleted.c.candidate_id,
        client_id=Job.client_id,
    ).join(Job, Job.id == deleted.c.job_id)
    db.session.execute(insert(Activity).from_select(ACTIVITY_COLUMNS, rows))


def delete_jobs(actor, job_ids):
    """Delete the jobs with ``job_ids`` and their applications, logging each deleted row."""
    delete_applications(actor, JobCandidate.job_id.in_(job_ids))
    deleted = (
        delete(Job).where(Job.id.in_(job_ids)).returning(Job.id, Job.client_id).cte("deleted_jobs")
    )
    rows = _deleted_activities(
        actor,
        "job",
        deleted,
        job_id=deleted.c.id,
        candidate_id=literal(None),
        client_id=deleted.c.client_id,
    )
    db.session.execute(insert(Activity).from_select(ACTIVITY_COLUMNS, rows))
