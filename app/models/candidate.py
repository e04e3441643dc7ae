"""Candidates: people an agency may place in jobs."""

from sqlalchemy import CheckConstraint, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import Timestamps, UUIDPrimaryKey, check_in
from app.models.enums import CANDIDATE_SOURCES


class Candidate(UUIDPrimaryKey, Timestamps, db.Model):
    __tablename__ = "candidates"

    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    # Optional: a sourced candidate may have no address yet. Unique when present.
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    current_title: Mapped[str | None] = mapped_column(String(200))
    current_company: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    skills: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, server_default=text("'{}'")
    )
    # Case-folded copies of ``skills`` (Python's str.casefold), written by the
    # services. Folding in Python rather than with SQL lower() keeps the filter
    # consistent with how duplicates are removed, whatever the database's locale.
    skill_keys: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, server_default=text("'{}'")
    )
    source: Mapped[str | None] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(String(10000))

    __table_args__ = (
        CheckConstraint(check_in("source", CANDIDATE_SOURCES), name="source"),
        Index("uq_candidates_lower_email", func.lower(email), unique=True),
        Index("ix_candidates_created_at_id", "created_at", "id"),
        Index("ix_candidates_source_created_at_id", "source", "created_at", "id"),
        Index("ix_candidates_skill_keys", "skill_keys", postgresql_using="gin"),
        Index("ix_candidates_updated_at_id", "updated_at", "id"),
        Index("ix_candidates_last_name_id", "last_name", "id"),
    )

    def __repr__(self):
        return f"<Candidate {self.id}>"
