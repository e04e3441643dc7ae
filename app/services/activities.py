"""Recording of the activity log, inside the transaction of the write it describes."""

from app.caching import generations
from app.extensions import db
from app.models import Activity, Candidate, Client, Job, JobCandidate, User
from app.naming import camelize


def entity_scope(entity):
    """Return the entity type and the job, candidate and client ids an activity carries.

    An application's client id comes from its job, which must be loaded.
    """
    if isinstance(entity, Client):
        return "client", {"client_id": entity.id}
    if isinstance(entity, Job):
        return "job", {"job_id": entity.id, "client_id": entity.client_id}
    if isinstance(entity, Candidate):
        return "candidate", {"candidate_id": entity.id}
    if isinstance(entity, JobCandidate):
        return "job_candidate", {
            "job_id": entity.job_id,
            "candidate_id": entity.candidate_id,
            "client_id": entity.job.client_id,
        }
    if isinstance(entity, User):
        return "user", {}
    raise TypeError(f"No activity scope for {type(entity).__name__}")


def record_activity(actor, action, entity, payload=None):
    """Add an activity row for ``entity`` to the current transaction.

    The entity must have been flushed so that its id is known. Payloads hold field
    names and enumerated values only, never free text, because the log is append-only
    and must not keep a copy of personal data after its row is deleted.
    """
    entity_type, scope = entity_scope(entity)
    activity = Activity(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity.id,
        payload=payload or {},
        **scope,
    )
    db.session.add(activity)
    generations.mark_changed(entity_type)
    return activity


def changed_fields_payload(fields):
    """Return the payload of an ``updated`` activity: the camelCase names of the changed fields."""
    return {"fields": sorted(camelize(field) for field in fields)}
