"""Applications: a candidate on a job, moved through the pipeline stages."""

import functools
import logging

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Candidate, Job, JobCandidate
from app.models.enums import JOB_STATUSES_ACCEPTING
from app.services.activities import changed_fields_payload, record_activity
from app.services.batch import attach_many_to_one
from app.services.event_position import POSITION_LABEL, event_position_column
from app.services.exceptions import Conflict, InvalidInput, NotFound
from app.services.lookup import fetch_one
from app.services.pagination import Sorting, list_page
from app.services.permissions import require_writer
from app.services.rows import embedded, fetch_dict, fetch_dicts
from app.services.transaction import write_transaction

logger = logging.getLogger(__name__)

SORTING = Sorting(
    "job_candidates",
    JobCandidate,
    {
        "createdAt": JobCandidate.created_at,
        "updatedAt": JobCandidate.updated_at,
        "stageChangedAt": JobCandidate.stage_changed_at,
        "stage": JobCandidate.stage_rank,
    },
)


CANDIDATE_SUMMARY = (
    Candidate.id,
    Candidate.first_name,
    Candidate.last_name,
    Candidate.email,
    Candidate.current_title,
    Candidate.current_company,
)
JOB_SUMMARY = (Job.title, Job.status, Job.client_id)


# Built once: a statement is immutable, and .where() returns a new one.
@functools.cache
def _read_query():
    """Select applications as rows with their candidate summaries joined."""
    return (
        select(*JobCandidate.__table__.c, *embedded("candidate", *CANDIDATE_SUMMARY))
        .select_from(JobCandidate)
        .join(Candidate, Candidate.id == JobCandidate.candidate_id)
    )


def _page_of_applications(job_id=None, candidate_id=None, stage=None, **page):
    """Return a page of applications with their candidates and without their jobs."""
    statement = _read_query()
    if job_id is not None:
        statement = statement.where(JobCandidate.job_id == job_id)
    if candidate_id is not None:
        statement = statement.where(JobCandidate.candidate_id == candidate_id)
    if stage:
        statement = statement.where(JobCandidate.stage.in_(stage))
    filters = {"job_id": job_id, "candidate_id": candidate_id, "stage": stage}
    return list_page(statement, SORTING, filters=filters, **page)


def list_applications(**arguments):
    """Return a page of applications with their jobs and candidates.

    ``arguments`` are the filters ``job_id``, ``candidate_id`` and ``stage``, plus the
    arguments of pagination.list_page. Costs two queries whatever the page size.
    """
    page = _page_of_applications(**arguments)
    attach_many_to_one(page.data, "job", "job_id", Job, *JOB_SUMMARY)
    return page


# Built once with a bound parameter, as for the token lookup: every pipeline
# request runs it.
@functools.cache
def _job_and_position():
    return select(Job.id, *JOB_SUMMARY, event_position_column()).where(
        Job.id == bindparam("job_id")
    )


def list_job_pipeline(job_id, *, stage=None, **page):
    """Return a page of the job's applications with their candidates.

    Raises NotFound for an unknown job rather than returning an empty page. The job
    and the event position come first, in one statement, which also checks that the
    job exists. The page, read after it, reflects at least every event up to that
    position, and an empty page needs no statement of its own for it.
    """
    found = fetch_dicts(_job_and_position(), {"job_id": job_id})
    if not found:
        raise NotFound("Job not found.")
    job = found[0]
    position = job.pop(POSITION_LABEL)
    result = _page_of_applications(job_id=job_id, stage=stage, event_position=False, **page)
    result.event_position = position
    for application in result.data:
        application["job"] = job
    return result


def get_application(application_id):
    """Return the application as a dict with its job and candidate summaries."""
    statement = (
        _read_query()
        .add_columns(*embedded("job", Job.id, *JOB_SUMMARY))
        .join(Job, Job.id == JobCandidate.job_id)
        .where(JobCandidate.id == application_id)
    )
    return fetch_dict(statement, missing="Application not found.")


def _lock_application(application_id):
    # The job is needed for the client id that the activity records.
    statement = (
        select(JobCandidate)
        .options(joinedload(JobCandidate.job, innerjoin=True))
        .where(JobCandidate.id == application_id)
    )
    return fetch_one(statement, JobCandidate, for_update=True, missing="Application not found.")


def _check_rejection_reason(stage, reason):
    if stage == "rejected" and reason is None:
        raise InvalidInput("rejection_reason", "Required when the stage is rejected.")
    if stage != "rejected" and reason is not None:
        raise InvalidInput("rejection_reason", "Allowed only when the stage is rejected.")


def create_application(data, actor):
    """Put a candidate on a job. The job must accept applications (not closed or filled)."""
    require_writer(actor)
    stage = data["stage"]
    reason = data.get("rejection_reason")
    _check_rejection_reason(stage, reason)

    with write_transaction():
        # A share lock keeps the job from being closed or deleted until this commits.
        job = db.session.scalar(
            select(Job).where(Job.id == data["job_id"]).with_for_update(read=True)
        )
        if job is None:
            raise InvalidInput("job_id", "No job with this id.")
        if job.status not in JOB_STATUSES_ACCEPTING:
            raise Conflict(
                f"The job is {job.status} and takes no new candidates. Reopen it first.",
                code="job_not_accepting",
            )
        candidate = db.session.get(Candidate, data["candidate_id"])
        if candidate is None:
            raise InvalidInput("candidate_id", "No candidate with this id.")

        application = JobCandidate(
            job_id=job.id, candidate_id=candidate.id, stage=stage, rejection_reason=reason
        )
        application.job = job
        db.session.add(application)
        db.session.flush()
        record_activity(actor, "created", application, {"stage": stage})
    logger.info(
        "Added candidate %s to job %s as application %s by user %s",
        candidate.id,
        job.id,
        application.id,
        actor.id,
    )
    return get_application(application.id)


def update_application(application_id, changes, actor):
    """Move an application to another stage, or change its rejection reason.

    Leaving ``rejected`` clears the reason. The row is locked, so two concurrent
    moves are applied one after the other and each activity records the true
    previous stage.
    """
    require_writer(actor)
    with write_transaction():
        application = _lock_application(application_id)
        old_stage = application.stage
        new_stage = changes.get("stage", old_stage)
        if "rejection_reason" in changes:
            reason = changes["rejection_reason"]
        elif new_stage == "rejected":
            reason = application.rejection_reason
        else:
            reason = None
        _check_rejection_reason(new_stage, reason)

        changed = []
        if new_stage != old_stage:
            application.stage = new_stage
            application.stage_changed_at = func.statement_timestamp()
            changed.append("stage")
        if reason != application.rejection_reason:
            application.rejection_reason = reason
            changed.append("rejection_reason")

        if changed:
            db.session.flush()
            if "stage" in changed:
                payload = {"from": old_stage, "to": new_stage}
                record_activity(actor, "stage_changed", application, payload)
            else:
                record_activity(actor, "updated", application, changed_fields_payload(changed))
    logger.info(
        "Updated application %s (%s -> %s) by user %s",
        application.id,
        old_stage,
        application.stage,
        actor.id,
    )
    return get_application(application.id)


def delete_application(application_id, actor):
    require_writer(actor)
    with write_transaction():
        application = _lock_application(application_id)
        record_activity(actor, "deleted", application, {"stage": application.stage})
        db.session.delete(application)
    logger.info("Deleted application %s by user %s", application_id, actor.id)
