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

Statement-level triggers with transition tables apply one aggregated change per
statement, so a COPY of millions of rows or a cascade delete costs one upsert,
not one per row. Rows are upserted in key order so that concurrent writers lock
them in the same order.

cache_generations contains the counters of app/caching/generations.py.
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

# The rows a statement added (+1) and removed (-1), for each kind of trigger.
CHANGES = {
    "insert": "SELECT job_id, candidate_id, stage, 1 AS n, updated_at AS at FROM new_rows",
    "delete": (
        "SELECT job_id, candidate_id, stage, -1 AS n, statement_timestamp() AS at FROM old_rows"
    ),
    "update": (
        "SELECT job_id, candidate_id, stage, 1 AS n, updated_at AS at FROM new_rows "
        "UNION ALL "
        "SELECT job_id, candidate_id, stage, -1 AS n, statement_timestamp() AS at FROM old_rows"
    ),
}


def _stage_sums():
    return ", ".join(f"COALESCE(sum(n) FILTER (WHERE stage = '{stage}'), 0)" for stage in STAGES)


def _stage_additions():
    return ", ".join(f"{stage} = counts.{stage} + EXCLUDED.{stage}" for stage in STAGES)


def _trigger_function(kind):
    active = ", ".join(f"'{stage}'" for stage in ACTIVE_STAGES)
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

    INSERT INTO candidate_active_counts AS counts (candidate_id, active_applications)
    SELECT candidate_id, sum(n)
    FROM ({CHANGES[kind]}) AS changes
    WHERE stage IN ({active})
    GROUP BY candidate_id
    HAVING sum(n) <> 0
    ORDER BY candidate_id
    ON CONFLICT (candidate_id) DO UPDATE
        SET active_applications = counts.active_applications + EXCLUDED.active_applications;
    RETURN NULL;
END
$$
"""


JOB_CREATED_FUNCTION = """
CREATE FUNCTION jobs_add_pipeline_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_pipeline_counts (job_id, pipeline_changed_at)
    SELECT id, created_at FROM new_rows ORDER BY id
    ON CONFLICT (job_id) DO NOTHING;
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
        "cache_generations",
        sa.Column("family", sa.String(length=20), nullable=False),
        sa.Column("generation", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("family", name=op.f("pk_cache_generations")),
    )
    # Hires in a time window, with what the time-to-hire median needs.
    op.execute(
        "CREATE INDEX ix_job_candidates_hired_stage_changed_at ON job_candidates "
        "(stage_changed_at) INCLUDE (created_at, job_id) WHERE stage = 'hired'"
    )

    op.execute(BACKFILL_JOBS)
    op.execute(BACKFILL_CANDIDATES)
    op.execute(
        "INSERT INTO cache_generations (family) VALUES "
        + ", ".join(f"('{family}')" for family in FAMILIES)
    )

    for kind in CHANGES:
        op.execute(_trigger_function(kind))
    op.execute(
        "CREATE TRIGGER job_candidates_count_insert AFTER INSERT ON job_candidates "
        "REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION job_candidates_count_insert()"
    )
    op.execute(
        "CREATE TRIGGER job_candidates_count_update AFTER UPDATE ON job_candidates "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION job_candidates_count_update()"
    )
    op.execute(
        "CREATE TRIGGER job_candidates_count_delete AFTER DELETE ON job_candidates "
        "REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION job_candidates_count_delete()"
    )
    op.execute(JOB_CREATED_FUNCTION)
    op.execute(
        "CREATE TRIGGER jobs_add_pipeline_counts AFTER INSERT ON jobs "
        "REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION jobs_add_pipeline_counts()"
    )


def downgrade():
    op.execute("DROP TRIGGER jobs_add_pipeline_counts ON jobs")
    op.execute("DROP FUNCTION jobs_add_pipeline_counts()")
    for kind in CHANGES:
        op.execute(f"DROP TRIGGER job_candidates_count_{kind} ON job_candidates")
        op.execute(f"DROP FUNCTION job_candidates_count_{kind}()")
    op.drop_index("ix_job_candidates_hired_stage_changed_at", table_name="job_candidates")
    op.drop_table("cache_generations")
    op.drop_table("candidate_active_counts")
    op.drop_index(
        "ix_job_pipeline_counts_pipeline_changed_at_job_id", table_name="job_pipeline_counts"
    )
    op.drop_table("job_pipeline_counts")
