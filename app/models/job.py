"""Jobs: an opening at a client, owned by a recruiter."""

import uuid

from sqlalchemy import (
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Uuid,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Timestamps, UUIDPrimaryKey, check_in, rank_case
from app.models.enums import EMPLOYMENT_TYPES, JOB_STATUSES


class Job(UUIDPrimaryKey, Timestamps, db.Model):
    __tablename__ = "jobs"

    # RESTRICT: a client's jobs are deleted only on an explicit cascade request.
    client_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(String(20000))
    location: Mapped[str | None] = mapped_column(String(200))
    employment_type: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    openings: Mapped[int] = mapped_column(Integer, nullable=False)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="RESTRICT"), nullable=False
    )
    # Position of status in JOB_STATUSES, maintained by the database, for sorting.
    status_rank: Mapped[int] = mapped_column(
        SmallInteger, Computed(rank_case("status", JOB_STATUSES), persisted=True)
    )
    # Full-text search document, including the client's name, so it cannot be a
    # generated column: triggers on jobs and clients keep it current (migration 0003).
    search_vector: Mapped[str | None] = mapped_column(TSVECTOR, deferred=True)

    # Relations load only when a query requests them, so a forgotten eager load
    # raises in tests instead of issuing one query per row.
    client = relationship("Client", lazy="raise_on_sql")
    owner = relationship("User", lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint(check_in("status", JOB_STATUSES), name="status"),
        CheckConstraint(check_in("employment_type", EMPLOYMENT_TYPES), name="employment_type"),
        CheckConstraint("openings > 0", name="openings_positive"),
        # Keyset pagination walks (created_at, id), alone or after an equality filter.
        Index("ix_jobs_created_at_id", "created_at", "id"),
        Index("ix_jobs_client_id_created_at_id", "client_id", "created_at", "id"),
        Index("ix_jobs_owner_id_created_at_id", "owner_id", "created_at", "id"),
        Index("ix_jobs_status_created_at_id", "status", "created_at", "id"),
        # The other sorts, and counting a client's jobs by status.
        Index("ix_jobs_updated_at_id", "updated_at", "id"),
        Index("ix_jobs_title_id", "title", "id"),
        Index("ix_jobs_status_rank_id", "status_rank", "id"),
        Index("ix_jobs_client_id_status", "client_id", "status"),
        Index("ix_jobs_search_vector", "search_vector", postgresql_using="gin"),
    )

    def __repr__(self):
        return f"<Job {self.id} {self.status}>"
