"""Add an index for a filter on one stage sorted by stage.

Revision ID: 0006_stage_sort
Revises: 0005_events
Create Date: 2026-12-04

`GET /api/job-candidates?stage=offer&sortBy=stage` walked the (stage_rank, id)
index past every application of a later stage, and at the large seed size hit
the 5 s statement timeout. With stage first, the rows of one stage come in sort
order directly.
"""

from alembic import op

revision = "0006_stage_sort"
down_revision = "0005_events"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_job_candidates_stage_stage_rank_id",
        "job_candidates",
        ["stage", "stage_rank", "id"],
    )


def downgrade():
    op.drop_index("ix_job_candidates_stage_stage_rank_id", table_name="job_candidates")
