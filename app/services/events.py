"""Reads of the activity log as an event stream: positions, replays and event data.

Activity ids grow in commit order (migration 0005_events), so "every activity
with an id above N" is a gap-free resume point, and the highest committed id is
the position that a read made now reflects.
"""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Activity
from app.schemas.candidate import CandidateSchema
from app.schemas.client import ClientSchema
from app.schemas.job import JobSchema
from app.schemas.job_candidate import JobCandidateSchema
from app.services import candidates, clients, job_candidates, jobs
from app.services.exceptions import NotFound

# The read function and schema of each entity type's current state, for events.
RESOURCE_READERS = {
    "job_candidate": (job_candidates.get_application, JobCandidateSchema()),
    "job": (jobs.get_job, JobSchema()),
    "candidate": (candidates.get_candidate, CandidateSchema()),
    "client": (clients.get_client, ClientSchema()),
}

SCOPE_KEYS = (("job_id", "jobId"), ("candidate_id", "candidateId"), ("client_id", "clientId"))


def oldest_event_id():
    """Return the id of the oldest retained activity, or None when the log is empty."""
    return db.session.scalar(select(func.min(Activity.id)))


def activities_after(after_id, *, condition=None, limit):
    """Return up to ``limit`` activities with ids above ``after_id``, oldest first, as dicts.

    ``condition`` is an optional SQL expression on Activity that narrows the rows.
    """
    statement = select(*Activity.__table__.c).where(Activity.id > after_id)
    if condition is not None:
        statement = statement.where(condition)
    statement = statement.order_by(Activity.id).limit(limit)
    return [dict(row) for row in db.session.execute(statement).mappings()]


def scope_ids(activity):
    """Return the camelCase ids of an activity's entity and of its job, candidate and client."""
    ids = {"id": str(activity["entity_id"])}
    for column, key in SCOPE_KEYS:
        if activity[column] is not None:
            ids[key] = str(activity[column])
    return ids


def event_resource(activity):
    """Return the camelCase resource an activity's event carries, as REST would return it now.

    A deleted entity, or one without a REST resource (users), is described by its
    ids only. The state is read when the event is sent, so it may already include
    later changes, which carry their own events.
    """
    reader = RESOURCE_READERS.get(activity["entity_type"])
    if reader is None or activity["action"] == "deleted":
        return scope_ids(activity)
    read, schema = reader
    try:
        return schema.dump(read(activity["entity_id"]))
    except NotFound:
        return scope_ids(activity)
