"""Dashboard numbers: jobs by status, applications by stage, recent hiring.

One statement, whatever the data size. For the whole agency, the counts come
from the trigger-kept totals (see app/models/pipeline_counts.py), and the new
applications from per-day totals plus the rows of the window's partial first
day. For one client's or one owner's jobs, the same numbers are counted from
those jobs' rows through their indexes. Hires are always read from a partial
index on hired applications.

Not one statement per kind of number: in the dashboard batch, each round trip
lets the other sections' greenlets take the CPU, and a second statement started
several milliseconds late.
"""

import functools
from datetime import timedelta

from sqlalchemy import BigInteger, Date, DateTime, cast, distinct, func, select, text, true
from sqlalchemy.dialects import postgresql

from app.caching.memoize import fresh_memoize
from app.extensions import db
from app.models import (
    ApplicationDay,
    DashboardCounter,
    Job,
    JobCandidate,
    JobPipelineCount,
)
from app.models.enums import ACTIVE_STAGES, JOB_STATUSES, STAGES
from app.services import prepared
from app.services.filters import job_conditions

WEEK_DAYS = 7
MONTH_DAYS = 30
TIME_TO_HIRE_WINDOW_DAYS = 90
SECONDS_PER_DAY = 86400


def _since(days):
    return func.now() - timedelta(days=days)


def _once_since(days):
    """Return ``_since(days)`` as a subquery that PostgreSQL evaluates once per statement.

    In a FILTER clause the expression itself is evaluated on every row. Subtracting
    an interval of days from a timestamptz is slow: over 11,000 hires in the
    90-day window, the two hire counts took 1.8 ms more that way.
    """
    return select(_since(days)).scalar_subquery()


def _scoped(statement, job_id_column, conditions):
    """Restrict ``statement`` to the applications of the jobs matching ``conditions``."""
    return statement.join(Job, Job.id == job_id_column).where(*conditions)


def _hires(conditions):
    """Select hires in the last week and month, and the time-to-hire median, as one row."""
    # A hired application leaves the pipeline, so its last stage change is the hire.
    hired_at = JobCandidate.stage_changed_at
    # date_part returns a float; extract returns numeric, whose arithmetic made this
    # aggregate about twice as slow over 11,000 hires of the large seed. The index
    # on hires stores this date_part (see TIME_TO_HIRE_SECONDS): spelled the same,
    # the index-only scan returns it rather than computing it per hire.
    days_to_hire = func.date_part("epoch", hired_at - JobCandidate.created_at) / SECONDS_PER_DAY
    statement = select(
        func.count().filter(hired_at >= _once_since(WEEK_DAYS)).label("hires_week"),
        func.count().filter(hired_at >= _once_since(MONTH_DAYS)).label("hires_month"),
        func.count().label("hires_window"),
        func.percentile_cont(0.5).within_group(days_to_hire).label("median_days_to_hire"),
    ).where(JobCandidate.stage == "hired", hired_at >= _since(TIME_TO_HIRE_WINDOW_DAYS))
    if conditions:
        statement = _scoped(statement, JobCandidate.job_id, conditions)
    return statement.subquery("hires")


def _created_since(days):
    """Count the applications created in the last ``days`` days, for the whole agency.

    Whole UTC days come from application_days; the first, partial day from the rows.
    """
    boundary = _since(days)
    first_whole_day = cast(func.timezone("UTC", boundary), Date) + 1
    first_whole_midnight = func.timezone("UTC", cast(first_whole_day, DateTime))
    whole_days = select(func.coalesce(func.sum(ApplicationDay.created), 0)).where(
        ApplicationDay.day >= first_whole_day
    )
    partial_day = select(func.count()).where(
        JobCandidate.created_at >= boundary, JobCandidate.created_at < first_whole_midnight
    )
    return cast(whole_days.scalar_subquery() + partial_day.scalar_subquery(), BigInteger)


def _as_object(grouped):
    """Turn the ``(key, count)`` rows of ``grouped`` into one JSON object, ``{}`` when none."""
    pairs = grouped.subquery("pairs")
    key, count = pairs.c
    return select(
        func.coalesce(func.json_object_agg(key, count), text("'{}'::json"))
    ).scalar_subquery()


# Built once: the statement has no parameters, because its times come from now()
# on the server. Building it took 0.76 ms of CPU, more than PostgreSQL's 0.5 ms to plan it.
# Prepared, it is not planned again either: 0.7 to 0.9 ms of planning at the large
# seed size, on the critical path of a cold dashboard batch.
@functools.cache
def _agency_prepared():
    sql = _agency_statement().compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    return prepared.PreparedStatement(str(sql))


def _agency_statement():
    totals = _as_object(
        select(
            DashboardCounter.counter, cast(func.sum(DashboardCounter.value), BigInteger)
        ).group_by(DashboardCounter.counter)
    )
    hires = _hires([])
    return select(
        totals.label("totals"),
        _created_since(WEEK_DAYS).label("new_week"),
        _created_since(MONTH_DAYS).label("new_month"),
        hires,
        func.now().label("computed_at"),
    ).select_from(hires)


def _agency_numbers():
    (numbers,) = prepared.execute(_agency_prepared(), {})
    totals = numbers["totals"]
    return {
        "jobs_by_status": {status: totals.get(f"jobs:{status}", 0) for status in JOB_STATUSES},
        "applications_by_stage": {stage: totals.get(f"stage:{stage}", 0) for stage in STAGES},
        "active_candidates": totals.get("active_candidates", 0),
        **{key: value for key, value in numbers.items() if key != "totals"},
    }


def _scoped_numbers(conditions):
    by_status = _as_object(select(Job.status, func.count()).where(*conditions).group_by(Job.status))

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
    active = (
        _scoped(
            select(func.count(distinct(JobCandidate.candidate_id)).label("active_candidates")),
            JobCandidate.job_id,
            conditions,
        )
        .where(JobCandidate.stage.in_(ACTIVE_STAGES))
        .subquery("active")
    )
    recent = _scoped(
        select(
            func.count()
            .filter(JobCandidate.created_at >= _once_since(WEEK_DAYS))
            .label("new_week"),
            func.count().label("new_month"),
        ).where(JobCandidate.created_at >= _since(MONTH_DAYS)),
        JobCandidate.job_id,
        conditions,
    ).subquery("recent")
    hires = _hires(conditions)
    row = (
        db.session.execute(
            select(
                by_status.label("by_status"),
                by_stage,
                active,
                recent,
                hires,
                func.now().label("computed_at"),
            )
            .select_from(by_stage)
            .join(active, true())
            .join(recent, true())
            .join(hires, true())
        )
        .mappings()
        .one()
    )
    found = row["by_status"]
    return {
        "jobs_by_status": {status: found.get(status, 0) for status in JOB_STATUSES},
        "applications_by_stage": {stage: row[stage] for stage in STAGES},
        **{key: row[key] for key in row.keys() if key not in STAGES and key != "by_status"},
    }


@fresh_memoize("applications", "jobs")
def dashboard_stats(client_id=None, owner_id=None):
    """Return the dashboard numbers for the jobs of ``client_id`` and ``owner_id``, if given."""
    conditions = job_conditions(client_id, owner_id)
    numbers = _scoped_numbers(conditions) if conditions else _agency_numbers()
    median = numbers["median_days_to_hire"]
    return {
        "open_jobs": numbers["jobs_by_status"]["open"],
        "jobs_by_status": numbers["jobs_by_status"],
        "active_candidates": numbers["active_candidates"],
        "applications_by_stage": numbers["applications_by_stage"],
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
