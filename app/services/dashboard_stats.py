"""Dashboard numbers: jobs by status, applications by stage, recent hiring.

Two statements, whatever the data size. Applications by stage and active
candidates come from the trigger-kept counter tables (see
app/models/pipeline_counts.py); the time windows read only the rows inside them
through indexes on created_at and on hires' stage_changed_at.
"""

from datetime import timedelta

from sqlalchemy import distinct, extract, func, select, true

from app.caching.memoize import fresh_memoize
from app.extensions import db
from app.models import CandidateActiveCount, Job, JobCandidate, JobPipelineCount
from app.models.enums import ACTIVE_STAGES, JOB_STATUSES, STAGES
from app.services.filters import job_conditions

WEEK_DAYS = 7
MONTH_DAYS = 30
TIME_TO_HIRE_WINDOW_DAYS = 90
SECONDS_PER_DAY = 86400


def _scoped(statement, job_id_column, conditions):
    """Restrict ``statement`` to the applications of the jobs matching ``conditions``."""
    if not conditions:
        return statement
    return statement.join(Job, Job.id == job_id_column).where(*conditions)


def _jobs_by_status(conditions):
    statement = select(Job.status, func.count()).where(*conditions).group_by(Job.status)
    found = dict(db.session.execute(statement).all())
    return {status: found.get(status, 0) for status in JOB_STATUSES}


def _since(days):
    return func.now() - timedelta(days=days)


def _application_numbers(conditions):
    """Select every application number in one row, from one subquery each."""
    by_stage = _scoped(
        select(
            *(
                func.coalesce(func.sum(column), 0).label(stage)
                for stage, column in JobPipelineCount.stage_columns().items()
            )
        ),
        JobPipelineCount.job_id,
        conditions,
    ).subquery("by_stage")

    if conditions:
        active = _scoped(
            select(func.count(distinct(JobCandidate.candidate_id)).label("active_candidates")),
            JobCandidate.job_id,
            conditions,
        ).where(JobCandidate.stage.in_(ACTIVE_STAGES))
    else:
        active = select(func.count().label("active_candidates")).where(
            CandidateActiveCount.active_applications > 0
        )
    active = active.subquery("active")

    recent = _scoped(
        select(
            func.count().filter(JobCandidate.created_at >= _since(WEEK_DAYS)).label("new_week"),
            func.count().label("new_month"),
        ).where(JobCandidate.created_at >= _since(MONTH_DAYS)),
        JobCandidate.job_id,
        conditions,
    ).subquery("recent")

    # A hired application leaves the pipeline, so its last stage change is the hire.
    hired_at = JobCandidate.stage_changed_at
    days_to_hire = extract("epoch", hired_at - JobCandidate.created_at) / SECONDS_PER_DAY
    hires = _scoped(
        select(
            func.count().filter(hired_at >= _since(WEEK_DAYS)).label("hires_week"),
            func.count().filter(hired_at >= _since(MONTH_DAYS)).label("hires_month"),
            func.count().label("hires_window"),
            func.percentile_cont(0.5).within_group(days_to_hire).label("median_days_to_hire"),
        ).where(
            JobCandidate.stage == "hired",
            hired_at >= _since(TIME_TO_HIRE_WINDOW_DAYS),
        ),
        JobCandidate.job_id,
        conditions,
    ).subquery("hires")

    statement = (
        select(by_stage, active, recent, hires, func.now().label("computed_at"))
        .select_from(by_stage)
        .join(active, true())
        .join(recent, true())
        .join(hires, true())
    )
    return db.session.execute(statement).mappings().one()


@fresh_memoize("applications", "jobs")
def dashboard_stats(client_id=None, owner_id=None):
    """Return the dashboard numbers for the jobs of ``client_id`` and ``owner_id``, if given."""
    conditions = job_conditions(client_id, owner_id)
    jobs_by_status = _jobs_by_status(conditions)
    numbers = _application_numbers(conditions)
    median = numbers["median_days_to_hire"]
    return {
        "open_jobs": jobs_by_status["open"],
        "jobs_by_status": jobs_by_status,
        "active_candidates": numbers["active_candidates"],
        "applications_by_stage": {stage: numbers[stage] for stage in STAGES},
        "new_applications": {
            "last_7_days": numbers["new_week"],
            "last_30_days": numbers["new_month"],
        },
        "hires": {"last_7_days": numbers["hires_week"], "last_30_days": numbers["hires_month"]},
        "time_to_hire": {
            "median_days": None if median is None else round(median, 1),
            "hires": numbers["hires_window"],
            "window_days": TIME_TO_HIRE_WINDOW_DAYS,
        },
        "computed_at": numbers["computed_at"],
    }
