"""Counters kept by database triggers on job_candidates, for the dashboard.

Migration 0003_dashboard creates the triggers; the app only reads these tables.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.enums import STAGES


class JobPipelineCount(db.Model):
    """Per job: its applications in each stage, and when its pipeline last changed."""

    __tablename__ = "job_pipeline_counts"

    job_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    sourced: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    applied: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    screening: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    interview: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    offer: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    hired: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    rejected: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    # The job's creation time until its first application arrives.
    pipeline_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        Index("ix_job_pipeline_counts_pipeline_changed_at_job_id", "pipeline_changed_at", "job_id"),
    )

    @classmethod
    def stage_columns(cls):
        """Return the count column of each stage, in pipeline order."""
        return {stage: getattr(cls, stage) for stage in STAGES}


class CandidateActiveCount(db.Model):
    """Per candidate: the applications neither hired nor rejected."""

    __tablename__ = "candidate_active_counts"

    candidate_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    active_applications: Mapped[int] = mapped_column(Integer, nullable=False)


class DashboardCounter(db.Model):
    """One shard of an agency-wide total: ``jobs:<status>``, ``stage:<stage>`` or
    ``active_candidates``. The total is the sum over its shards."""

    __tablename__ = "dashboard_counters"

    counter: Mapped[str] = mapped_column(String(40), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False)


class ApplicationDay(db.Model):
    """One shard of the applications created on a UTC day."""

    __tablename__ = "application_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    created: Mapped[int] = mapped_column(BigInteger, nullable=False)
