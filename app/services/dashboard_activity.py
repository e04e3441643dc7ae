"""The dashboard's feed of recent activities, newest first, with readable labels."""

from sqlalchemy import String, case, cast, literal, select
from sqlalchemy.orm import aliased

from app.caching.generations import FAMILIES
from app.caching.memoize import fresh_memoize
from app.models import Activity, Candidate, Client, Job, User
from app.services.pagination import SortKey, paginate
from app.services.rows import embedded

NEWEST_FIRST = SortKey("recent activity", "id", Activity.id, Activity.id, descending=True)

Actor = aliased(User, name="actor")
SubjectUser = aliased(User, name="subject_user")


def _candidate_name():
    return Candidate.first_name + literal(" ") + Candidate.last_name


def _entity_label():
    """Return a short label of the entity an activity is about; null once it is deleted."""
    return case(
        (Activity.entity_type == "candidate", _candidate_name()),
        (Activity.entity_type == "job", Job.title),
        (Activity.entity_type == "client", Client.name),
        (
            Activity.entity_type == "job_candidate",
            _candidate_name() + literal(" for ") + Job.title,
        ),
        (Activity.entity_type == "user", SubjectUser.name),
        else_=cast(None, String),
    )


def _feed_query():
    # The ids on an activity are plain columns that outlive their rows, so every
    # join is an outer join and the labels of deleted rows come back null. Each
    # join reads only the rows that some label uses.
    return (
        select(
            Activity.id,
            Activity.action,
            Activity.entity_type,
            Activity.entity_id,
            _entity_label().label("entity_label"),
            *embedded("actor", Actor.id, Actor.name),
            Activity.job_id,
            Activity.candidate_id,
            Activity.client_id,
            Activity.payload,
            Activity.created_at,
        )
        .select_from(Activity)
        .outerjoin(Actor, Actor.id == Activity.actor_id)
        .outerjoin(
            Candidate,
            (Candidate.id == Activity.candidate_id)
            & Activity.entity_type.in_(("candidate", "job_candidate")),
        )
        .outerjoin(
            Job, (Job.id == Activity.job_id) & Activity.entity_type.in_(("job", "job_candidate"))
        )
        .outerjoin(Client, (Client.id == Activity.client_id) & (Activity.entity_type == "client"))
        .outerjoin(
            SubjectUser, (SubjectUser.id == Activity.entity_id) & (Activity.entity_type == "user")
        )
    )


@fresh_memoize(*FAMILIES)
def recent_activity(client_id=None, job_id=None, candidate_id=None, limit=20, cursor=None):
    """Return a page of the newest activities, optionally about one client, job or candidate."""
    statement = _feed_query()
    filters = {"client_id": client_id, "job_id": job_id, "candidate_id": candidate_id}
    if client_id is not None:
        statement = statement.where(Activity.client_id == client_id)
    if job_id is not None:
        statement = statement.where(Activity.job_id == job_id)
    if candidate_id is not None:
        statement = statement.where(Activity.candidate_id == candidate_id)
    page = paginate(statement, NEWEST_FIRST, limit=limit, cursor=cursor, filters=filters)
    for row in page.data:
        if row["actor"]["id"] is None:
            row["actor"] = None
    return page
