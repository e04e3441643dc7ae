"""Add the dashboard's counter tables, their triggers, and cache generations.

Revision ID: 0003_dashboard
Revises: 0002
Create Date: 2026-12-04

Counting two million applications by stage, or their distinct active candidates,
takes over a second; the dashboard must respond in tens of milliseconds. Two
narrow tables keep those counts, maintained by statement-level triggers on
job_candidates in the same transaction as the change, so they are never behind:

- job_pipeline_counts: per job, the applications in each stage and when its
  pipeline last changed (the job's creation until an application arrives);
- candidate_active_counts: per candidate, the applications neither hired nor
  rejected.

Two more serve the dashboard of the whole agency, which would otherwise read all
50,000 jobs and 500,000 candidates:

- dashboard_counters: jobs by status, applications by stage and candidates with
  an active application, each split over 64 shard rows (by the writing session)
  so that concurrent writers rarely wait on the same row;
- application_days: applications created per UTC day, also sharded, for the
  "new in the last 7 and 30 days" numbers.

Statement-level triggers with transition tables apply one aggregated change per
statement, so a COPY of millions of rows or a cascade delete costs one upsert,
not one per row. Rows are upserted in key order so that concurrent writers lock
them in the same order.

cache_generations contains the counters of app/caching/generations.py.

At the large seed size the migration took 24 s on a 2-core machine.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_dashboard"
down_revision = "0002"
branch_labels = None
depends_on = None

STAGES = ("sourced", "applied", "screening", "interview", "offer", "hired", "rejected")
ACTIVE_STAGES = ("sourced", "applied", "screening", "interview", "offer")
FAMILIES = ("applications", "candidates", "clients", "jobs", "users")

SHARDS = 64  # a power of two: backfill shards are hash bits
# A trigger adds to the shard of its database session, so concurrent writers
# (each on its own connection) rarely lock the same row; the backfill spreads
# rows by id instead.
WRITER_SHARD = f"(pg_backend_pid() % {SHARDS})"

# The rows a statement added (+1) and removed (-1), for each kind of trigger.
_ADDED = "SELECT job_id, candidate_id, stage, created_at, 1 AS n, updated_at AS at FROM new_rows"
_REMOVED = (
    "SELECT job_id, candidate_id, stage, created_at, -1 AS n, statement_timestamp() AS at "
    "FROM old_rows"
)
CHANGES = {
    "insert": _ADDED,
    "delete": _REMOVED,
    "update": f"{_ADDED} UNION ALL {_REMOVED}",
}


def _shard(column):
    return f"(hashtext({column}::text) & {SHARDS - 1})"


def _add_to_counters(select):
    """Return an upsert adding ``select``'s (counter, shard, value) rows to dashboard_counters."""
    return f"""
    INSERT INTO dashboard_counters AS totals (counter, shard, value)
    {select}
    ON CONFLICT (counter, shard) DO UPDATE SET value = totals.value + EXCLUDED.value"""


def _stage_sums():
    return ", ".join(f"COALESCE(sum(n) FILTER (WHERE stage = '{stage}'), 0)" for stage in STAGES)


def _stage_additions():
    return ", ".join(f"{stage} = counts.{stage} + EXCLUDED.{stage}" for stage in STAGES)


def _trigger_function(kind):
    active = ", ".join(f"'{stage}'" for stage in ACTIVE_STAGES)
    stage_counters = _add_to_counters(
        f"""SELECT 'stage:' || stage, {WRITER_SHARD}, sum(n)
    FROM ({CHANGES[kind]}) AS changes
    GROUP BY 1, 2
    HAVING sum(n) <> 0
    ORDER BY 1, 2"""
    )
    # A candidate starts or stops counting as active when their count of active
    # applications crosses zero: before = after - delta.
    active_candidates = _add_to_counters(
        f"""SELECT 'active_candidates', {WRITER_SHARD},
        sum(CASE WHEN after > 0 AND after - delta.n <= 0 THEN 1
                 WHEN after <= 0 AND after - delta.n > 0 THEN -1 ELSE 0 END)
    FROM applied JOIN delta USING (candidate_id)
    GROUP BY 1, 2
    ORDER BY 1, 2"""
    )
    return f"""
CREATE FUNCTION job_candidates_count_{kind}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_pipeline_counts AS counts (job_id, {", ".join(STAGES)}, pipeline_changed_at)
    SELECT job_id, {_stage_sums()}, max(at)
    FROM ({CHANGES[kind]}) AS changes
    GROUP BY job_id
    ORDER BY job_id
    ON CONFLICT (job_id) DO UPDATE SET {_stage_additions()},
        pipeline_changed_at = GREATEST(counts.pipeline_changed_at, EXCLUDED.pipeline_changed_at);

    WITH delta AS (
        SELECT candidate_id, sum(n) AS n
        FROM ({CHANGES[kind]}) AS changes
        WHERE stage IN ({active})
        GROUP BY candidate_id
        HAVING sum(n) <> 0
    ), applied AS (
        INSERT INTO candidate_active_counts AS counts (candidate_id, active_applications)
        SELECT candidate_id, n FROM delta ORDER BY candidate_id
        ON CONFLICT (candidate_id) DO UPDATE
            SET active_applications = counts.active_applications + EXCLUDED.active_applications
        RETURNING candidate_id, active_applications AS after
    ){active_candidates};
{stage_counters};

    INSERT INTO application_days AS days (day, shard, created)
    SELECT (created_at AT TIME ZONE 'UTC')::date, {WRITER_SHARD}, sum(n)
    FROM ({CHANGES[kind]}) AS changes
    GROUP BY 1, 2
    HAVING sum(n) <> 0
    ORDER BY 1, 2
    ON CONFLICT (day, shard) DO UPDATE SET created = days.created + EXCLUDED.created;
    RETURN NULL;
END
$$
"""


JOB_CHANGES = {
    "insert": "SELECT id, status, 1 AS n FROM new_rows",
    "delete": "SELECT id, status, -1 AS n FROM old_rows",
    "update": "SELECT id, status, 1 AS n FROM new_rows UNION ALL "
    "SELECT id, status, -1 AS n FROM old_rows",
}


def _job_trigger_function(kind):
    pipeline_rows = ""
    if kind == "insert":
        pipeline_rows = """
    INSERT INTO job_pipeline_counts (job_id, pipeline_changed_at)
    SELECT id, created_at FROM new_rows ORDER BY id
    ON CONFLICT (job_id) DO NOTHING;"""
    status_counters = _add_to_counters(
        f"""SELECT 'jobs:' || status, {WRITER_SHARD}, sum(n)
    FROM ({JOB_CHANGES[kind]}) AS changes
    GROUP BY 1, 2
    HAVING sum(n) <> 0
    ORDER BY 1, 2"""
    )
    return f"""
CREATE FUNCTION jobs_count_{kind}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{pipeline_rows}
{status_counters};
    RETURN NULL;
END
$$
"""


BACKFILL_JOBS = f"""
INSERT INTO job_pipeline_counts (job_id, {", ".join(STAGES)}, pipeline_changed_at)
SELECT j.id, {", ".join(f"COALESCE(a.{stage}, 0)" for stage in STAGES)},
       GREATEST(j.created_at, a.changed_at)
FROM jobs j
LEFT JOIN (
    SELECT job_id, {", ".join(f"count(*) FILTER (WHERE stage = '{s}') AS {s}" for s in STAGES)},
           max(updated_at) AS changed_at
    FROM job_candidates GROUP BY job_id
) a ON a.job_id = j.id
"""

BACKFILL_CANDIDATES = f"""
INSERT INTO candidate_active_counts (candidate_id, active_applications)
SELECT candidate_id, count(*) FROM job_candidates
WHERE stage IN ({", ".join(f"'{stage}'" for stage in ACTIVE_STAGES)})
GROUP BY candidate_id
"""

BACKFILL_TOTALS = f"""
INSERT INTO dashboard_counters (counter, shard, value)
SELECT 'jobs:' || status, {_shard("id")}, count(*) FROM jobs GROUP BY 1, 2
UNION ALL
SELECT 'stage:' || stage, {_shard("job_id")}, count(*) FROM job_candidates GROUP BY 1, 2
UNION ALL
SELECT 'active_candidates', {_shard("candidate_id")}, count(*)
FROM candidate_active_counts WHERE active_applications > 0 GROUP BY 1, 2
"""

BACKFILL_DAYS = f"""
INSERT INTO application_days (day, shard, created)
SELECT (created_at AT TIME ZONE 'UTC')::date, {_shard("job_id")}, count(*)
FROM job_candidates GROUP BY 1, 2
"""

TRIGGERS = {
    "insert": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows",
}


def upgrade():
    op.create_table(
        "job_pipeline_counts",
        sa.Column("job_id", sa.Uuid(), nullable=False),
        *(sa.Column(stage, sa.Integer(), server_default="0", nullable=False) for stage in STAGES),
        sa.Column("pipeline_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_job_pipeline_counts_job_id_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_pipeline_counts")),
    )
    op.create_index(
        "ix_job_pipeline_counts_pipeline_changed_at_job_id",
        "job_pipeline_counts",
        ["pipeline_changed_at", "job_id"],
    )
    op.create_table(
        "candidate_active_counts",
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("active_applications", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_active_counts_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("pk_candidate_active_counts")),
    )
    op.create_table(
        "dashboard_counters",
        sa.Column("counter", sa.String(length=40), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("counter", "shard", name=op.f("pk_dashboard_counters")),
    )
    op.create_table(
        "application_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "shard", name=op.f("pk_application_days")),
    )
    op.create_table(
        "cache_generations",
        sa.Column("family", sa.String(length=20), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("generation", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("family", "shard", name=op.f("pk_cache_generations")),
    )
    # Hires in a time window, with what the time-to-hire median needs.
    op.execute(
        "CREATE INDEX ix_job_candidates_hired_stage_changed_at ON job_candidates "
        "(stage_changed_at) INCLUDE (created_at, job_id) WHERE stage = 'hired'"
    )

    op.execute(BACKFILL_JOBS)
    op.execute(BACKFILL_CANDIDATES)
    op.execute(
        "INSERT INTO cache_generations (family, shard) VALUES "
        + ", ".join(f"('{family}', 0)" for family in FAMILIES)
    )

    op.execute(BACKFILL_TOTALS)
    op.execute(BACKFILL_DAYS)

    for kind, event in TRIGGERS.items():
        op.execute(_trigger_function(kind))
        op.execute(
            f"CREATE TRIGGER job_candidates_count_{kind} "
            f"{event.format(table='job_candidates')} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION job_candidates_count_{kind}()"
        )
        op.execute(_job_trigger_function(kind))
        op.execute(
            f"CREATE TRIGGER jobs_count_{kind} {event.format(table='jobs')} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_{kind}()"
        )


def downgrade():
    for kind in TRIGGERS:
        for table in ("job_candidates", "jobs"):
            op.execute(f"DROP TRIGGER {table}_count_{kind} ON {table}")
            op.execute(f"DROP FUNCTION {table}_count_{kind}()")
    op.drop_index("ix_job_candidates_hired_stage_changed_at", table_name="job_candidates")
    op.drop_table("cache_generations")
    op.drop_table("application_days")
    op.drop_table("dashboard_counters")
    op.drop_table("candidate_active_counts")
    op.drop_index(
        "ix_job_pipeline_counts_pipeline_changed_at_job_id", table_name="job_pipeline_counts"
    )
    op.drop_table("job_pipeline_counts")
