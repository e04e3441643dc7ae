"""Create the recruiting schema: users, tokens, clients, jobs, candidates, applications, activities.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# The database clock at the start of the writing statement; see app/models/base.py.
WRITE_TIME = sa.func.statement_timestamp()


def _id_column():
    return sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False)


def _timestamp_columns():
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=WRITE_TIME, nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=WRITE_TIME, nullable=False
        ),
    ]


def upgrade():
    op.create_table(
        "users",
        _id_column(),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        *_timestamp_columns(),
        sa.CheckConstraint("role IN ('admin', 'recruiter', 'viewer')", name="ck_users_role"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
    )
    op.create_index("uq_users_lower_email", "users", [sa.text("lower(email)")], unique=True)

    op.create_table(
        "api_tokens",
        _id_column(),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=WRITE_TIME, nullable=False
        ),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])

    op.create_table(
        "clients",
        _id_column(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("industry", sa.String(100)),
        sa.Column("website", sa.String(2048)),
        sa.Column("notes", sa.String(10000)),
        *_timestamp_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_clients"),
    )
    op.create_index("uq_clients_lower_name", "clients", [sa.text("lower(name)")], unique=True)
    op.create_index("ix_clients_created_at_id", "clients", ["created_at", "id"])

    op.create_table(
        "jobs",
        _id_column(),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.String(20000)),
        sa.Column("location", sa.String(200)),
        sa.Column("employment_type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("openings", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        *_timestamp_columns(),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'on_hold', 'closed', 'filled')", name="ck_jobs_status"
        ),
        sa.CheckConstraint(
            "employment_type IN ('full_time', 'part_time', 'contract', 'temporary', 'internship')",
            name="ck_jobs_employment_type",
        ),
        sa.CheckConstraint("openings > 0", name="ck_jobs_openings_positive"),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name="fk_jobs_client_id_clients", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name="fk_jobs_owner_id_users", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
    )
    op.create_index("ix_jobs_created_at_id", "jobs", ["created_at", "id"])
    op.create_index("ix_jobs_client_id_created_at_id", "jobs", ["client_id", "created_at", "id"])
    op.create_index("ix_jobs_owner_id_created_at_id", "jobs", ["owner_id", "created_at", "id"])
    op.create_index("ix_jobs_status_created_at_id", "jobs", ["status", "created_at", "id"])

    op.create_table(
        "candidates",
        _id_column(),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(50)),
        sa.Column("current_title", sa.String(200)),
        sa.Column("current_company", sa.String(200)),
        sa.Column("location", sa.String(200)),
        sa.Column(
            "skills", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False
        ),
        sa.Column(
            "skill_keys",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("source", sa.String(30)),
        sa.Column("notes", sa.String(10000)),
        *_timestamp_columns(),
        sa.CheckConstraint(
            "source IN ('linkedin', 'referral', 'job_board', 'company_website', "
            "'agency_database', 'event', 'direct', 'other')",
            name="ck_candidates_source",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_candidates"),
    )
    op.create_index(
        "uq_candidates_lower_email", "candidates", [sa.text("lower(email)")], unique=True
    )
    op.create_index("ix_candidates_created_at_id", "candidates", ["created_at", "id"])
    op.create_index(
        "ix_candidates_source_created_at_id", "candidates", ["source", "created_at", "id"]
    )
    op.create_index(
        "ix_candidates_skill_keys", "candidates", ["skill_keys"], postgresql_using="gin"
    )

    op.create_table(
        "job_candidates",
        _id_column(),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("rejection_reason", sa.String(500)),
        sa.Column(
            "stage_changed_at",
            sa.DateTime(timezone=True),
            server_default=WRITE_TIME,
            nullable=False,
        ),
        *_timestamp_columns(),
        sa.CheckConstraint(
            "stage IN ('sourced', 'applied', 'screening', 'interview', 'offer', 'hired', "
            "'rejected')",
            name="ck_job_candidates_stage",
        ),
        sa.CheckConstraint(
            "(stage = 'rejected') = (rejection_reason IS NOT NULL)",
            name="ck_job_candidates_rejection_reason",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name="fk_job_candidates_job_id_jobs", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name="fk_job_candidates_candidate_id_candidates",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_job_candidates"),
        sa.UniqueConstraint("job_id", "candidate_id", name="uq_job_candidates_job_id_candidate_id"),
    )
    op.create_index("ix_job_candidates_created_at_id", "job_candidates", ["created_at", "id"])
    op.create_index(
        "ix_job_candidates_job_id_created_at_id", "job_candidates", ["job_id", "created_at", "id"]
    )
    op.create_index(
        "ix_job_candidates_candidate_id_created_at_id",
        "job_candidates",
        ["candidate_id", "created_at", "id"],
    )
    op.create_index(
        "ix_job_candidates_stage_created_at_id", "job_candidates", ["stage", "created_at", "id"]
    )

    op.create_table(
        "activities",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=WRITE_TIME, nullable=False
        ),
        sa.Column("actor_id", sa.Uuid()),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("entity_type", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("job_id", sa.Uuid()),
        sa.Column("candidate_id", sa.Uuid()),
        sa.Column("client_id", sa.Uuid()),
        sa.Column("payload", postgresql.JSONB(), server_default=sa.text("'{}'"), nullable=False),
        sa.CheckConstraint(
            "action IN ('created', 'updated', 'stage_changed', 'deleted')",
            name="ck_activities_action",
        ),
        sa.CheckConstraint(
            "entity_type IN ('client', 'job', 'candidate', 'job_candidate', 'user')",
            name="ck_activities_entity_type",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name="fk_activities_actor_id_users", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_activities"),
    )
    op.create_index(
        "ix_activities_entity_type_entity_id_id", "activities", ["entity_type", "entity_id", "id"]
    )
    op.create_index("ix_activities_job_id_id", "activities", ["job_id", "id"])
    op.create_index("ix_activities_candidate_id_id", "activities", ["candidate_id", "id"])
    op.create_index("ix_activities_client_id_id", "activities", ["client_id", "id"])
    op.create_index("ix_activities_actor_id_id", "activities", ["actor_id", "id"])

    # The activity log is append-only: rows are never changed or deleted one by one.
    # TRUNCATE, which a deliberate reset uses, does not fire row triggers.
    op.execute(
        """
        CREATE FUNCTION reject_activity_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'activities is append-only: % is not allowed', TG_OP
                USING ERRCODE = 'restrict_violation';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER activities_append_only
        BEFORE UPDATE OR DELETE ON activities
        FOR EACH ROW EXECUTE FUNCTION reject_activity_change()
        """
    )


def downgrade():
    op.drop_table("activities")
    op.execute("DROP FUNCTION reject_activity_change()")
    op.drop_table("job_candidates")
    op.drop_table("candidates")
    op.drop_table("jobs")
    op.drop_table("clients")
    op.drop_table("api_tokens")
    op.drop_table("users")
