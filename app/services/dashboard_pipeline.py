"""Pipeline summary: applications in each stage per open job, or per client.

Rows come from the trigger-kept job_pipeline_counts table, so a page reads a few
dozen narrow rows instead of counting applications. The most recently active
pipelines come first: ordered by when an application last changed (or the job was
created), with the id breaking ties.
"""

from sqlalchemy import func, select

from app.caching.memoize import fresh_memoize
from app.models import Client, Job, JobPipelineCount
from app.models.enums import ACTIVE_STAGES, STAGES
from app.services.filters import job_conditions
from app.services.pagination import SortKey, paginate
from app.services.rows import embedded

GROUPS = ("job", "client")


def _stage_dict(row):
    stages = {stage: row.pop(stage) for stage in STAGES}
    row["stages"] = stages
    row["total"] = sum(stages.values())
    row["active"] = sum(stages[stage] for stage in ACTIVE_STAGES)
    return row


def _per_job(conditions):
    statement = (
        select(
            JobPipelineCount.job_id,
            *embedded("job", Job.id, Job.title, Job.status),
            *embedded("client", Client.id, Client.name),
            *JobPipelineCount.stage_columns().values(),
            JobPipelineCount.pipeline_changed_at,
        )
        .select_from(JobPipelineCount)
        .join(Job, Job.id == JobPipelineCount.job_id)
        .join(Client, Client.id == Job.client_id)
        .where(Job.status == "open", *conditions)
    )
    key = SortKey(
        "pipeline summary by job",
        "lastActivityAt",
        JobPipelineCount.pipeline_changed_at,
        JobPipelineCount.job_id,
    )
    return statement, key


def _per_client(conditions):
    stage_columns = JobPipelineCount.stage_columns()
    grouped = (
        select(
            Client.id.label("client_id"),
            Client.name.label("client_name"),
            func.count().label("open_jobs"),
            *(func.sum(column).label(stage) for stage, column in stage_columns.items()),
            func.max(JobPipelineCount.pipeline_changed_at).label("pipeline_changed_at"),
        )
        .select_from(JobPipelineCount)
        .join(Job, Job.id == JobPipelineCount.job_id)
        .join(Client, Client.id == Job.client_id)
        .where(Job.status == "open", *conditions)
        .group_by(Client.id)
        .subquery("per_client")
    )
    statement = select(grouped)
    key = SortKey(
        "pipeline summary by client",
        "lastActivityAt",
        grouped.c.pipeline_changed_at,
        grouped.c.client_id,
    )
    return statement, key


@fresh_memoize("applications", "clients", "jobs")
def pipeline_summary(group_by="job", client_id=None, owner_id=None, limit=20, cursor=None):
    """Return a page of open jobs' (or clients') stage counts, most recently active first."""
    conditions = job_conditions(client_id, owner_id)
    build = _per_client if group_by == "client" else _per_job
    statement, key = build(conditions)
    filters = {"group_by": group_by, "client_id": client_id, "owner_id": owner_id}
    page = paginate(statement, key, limit=limit, cursor=cursor, filters=filters)
    for row in page.data:
        _stage_dict(row)
        row["last_activity_at"] = row.pop("pipeline_changed_at")
        if group_by == "client":
            row["client"] = {"id": row.pop("client_id"), "name": row.pop("client_name")}
            row["job"] = None
        else:
            row.pop("job_id")
            row["open_jobs"] = None
    return page
