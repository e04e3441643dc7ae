"""Add the indexes and rank columns that list sorting and counts need.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04

The rank columns are generated from status and stage, so lists can sort jobs and
applications in their meaningful order through a plain index. Adding them
rewrites the two tables: at the large seed size the whole migration took 13 s
on a 2-core machine.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JOB_STATUS_RANK = (
    "CASE status WHEN 'draft' THEN 0 WHEN 'open' THEN 1 WHEN 'on_hold' THEN 2 "
    "WHEN 'closed' THEN 3 WHEN 'filled' THEN 4 END"
)
STAGE_RANK = (
    "CASE stage WHEN 'sourced' THEN 0 WHEN 'applied' THEN 1 WHEN 'screening' THEN 2 "
    "WHEN 'interview' THEN 3 WHEN 'offer' THEN 4 WHEN 'hired' THEN 5 WHEN 'rejected' THEN 6 END"
)

INDEXES = (
    ("ix_jobs_updated_at_id", "jobs", ["updated_at", "id"]),
    ("ix_jobs_title_id", "jobs", ["title", "id"]),
    ("ix_jobs_status_rank_id", "jobs", ["status_rank", "id"]),
    ("ix_jobs_client_id_status", "jobs", ["client_id", "status"]),
    ("ix_job_candidates_updated_at_id", "job_candidates", ["updated_at", "id"]),
    ("ix_job_candidates_stage_changed_at_id", "job_candidates", ["stage_changed_at", "id"]),
    ("ix_job_candidates_stage_rank_id", "job_candidates", ["stage_rank", "id"]),
    ("ix_job_candidates_job_id_stage", "job_candidates", ["job_id", "stage"]),
    ("ix_candidates_updated_at_id", "candidates", ["updated_at", "id"]),
    ("ix_candidates_last_name_id", "candidates", ["last_name", "id"]),
    ("ix_clients_updated_at_id", "clients", ["updated_at", "id"]),
    ("ix_clients_name_id", "clients", ["name", "id"]),
)


def upgrade():
    op.add_column(
        "jobs",
        sa.Column("status_rank", sa.SmallInteger(), sa.Computed(JOB_STATUS_RANK, persisted=True)),
    )
    op.add_column(
        "job_candidates",
        sa.Column("stage_rank", sa.SmallInteger(), sa.Computed(STAGE_RANK, persisted=True)),
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_column("job_candidates", "stage_rank")
    op.drop_column("jobs", "status_rank")
