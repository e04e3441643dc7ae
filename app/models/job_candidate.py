"""Applications: one candidate on one job, moving through the pipeline stages."""

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UUIDPrimaryKey, check_in
from app.models.enums import STAGES


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
    )

    def __repr__(self):
        return f"<JobCandidate {self.id} {self.stage}>"
