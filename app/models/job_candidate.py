"""Applications: one candidate on one job, moving through the pipeline stages."""

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UUIDPrimaryKey, check_in, rank_case
from app.models.enums import STAGES

# A hire's seconds from application to hire, as the time-to-hire index stores it.
# A query that spells the expression differently gets no value from the index.
TIME_TO_HIRE_SECONDS = "date_part('epoch', stage_changed_at - created_at)"


class JobCandidate(UUIDPrimaryKey, Timestamps, db.Model):
    __tablename__ = "job_candidates"

    # RESTRICT on both sides: applications go only with an explicit cascade request.
    job_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("jobs.id", ondelete="RESTRICT"), nullable=False
    )
    candidate_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("candidates.id", ondelete="RESTRICT"), nullable=False
    )
    stage: Mapped[str] = mapped_column(String(20), nullable=False)
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    # Position of stage in STAGES (pipeline order), maintained by the database.
    stage_rank: Mapped[int] = mapped_column(
        SmallInteger, Computed(rank_case("stage", STAGES), persisted=True)
    )
    stage_changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )

    job = relationship("Job", lazy="raise_on_sql")
    candidate = relationship("Candidate", lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("job_id", "candidate_id", name="uq_job_candidates_job_id_candidate_id"),
        CheckConstraint(check_in("stage", STAGES), name="stage"),
        # A rejected application always has a reason, and no other application has one.
        CheckConstraint(
            "(stage = 'rejected') = (rejection_reason IS NOT NULL)", name="rejection_reason"
        ),
        Index("ix_job_candidates_created_at_id", "created_at", "id"),
        Index("ix_job_candidates_job_id_created_at_id", "job_id", "created_at", "id"),
        Index("ix_job_candidates_candidate_id_created_at_id", "candidate_id", "created_at", "id"),
        Index("ix_job_candidates_stage_created_at_id", "stage", "created_at", "id"),
        # The other sorts, and counting a job's applications by stage.
        Index("ix_job_candidates_updated_at_id", "updated_at", "id"),
        Index("ix_job_candidates_stage_changed_at_id", "stage_changed_at", "id"),
        Index("ix_job_candidates_stage_rank_id", "stage_rank", "id"),
        # A filter on one stage with the stage sort: stage_rank is constant within a
        # stage, so this index returns the page in order without walking other stages.
        Index("ix_job_candidates_stage_stage_rank_id", "stage", "stage_rank", "id"),
        Index("ix_job_candidates_job_id_stage", "job_id", "stage"),
        # Hires in a time window, with what the dashboard's time-to-hire median needs.
        # The median's expression is a key so that an index-only scan returns it
        # stored instead of computing it per hire (migration 0013).
        Index(
            "ix_job_candidates_hired_time_to_hire",
            "stage_changed_at",
            text(TIME_TO_HIRE_SECONDS),
            postgresql_include=["created_at", "job_id"],
            postgresql_where=text("stage = 'hired'"),
        ),
    )

    def __repr__(self):
        return f"<JobCandidate {self.id} {self.stage}>"
