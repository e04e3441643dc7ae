"""The append-only activity log: one row per change made through the API."""

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import check_in
from app.models.enums import ACTIVITY_ACTIONS, ACTIVITY_ENTITY_TYPES


class Activity(db.Model):
    __tablename__ = "activities"

    # Negative until commit, when a trigger replaces it with the next id in commit
    # order (migration 0005_events explains why). Only committed rows are ever seen
    # by other transactions, so readers see positive ids only.
    id: Mapped[int] = mapped_column(
        BigInteger,
        primary_key=True,
        autoincrement=False,
        server_default=text("-nextval('activities_provisional_id_seq')"),
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.statement_timestamp()
    )
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="RESTRICT")
    )
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    entity_type: Mapped[str] = mapped_column(String(20), nullable=False)
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    # Plain columns, not foreign keys: the log outlives the rows it describes.
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    candidate_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    payload: Mapped[dict] = mapped_column(JSONB, nullable=False, server_default=text("'{}'"))

    __table_args__ = (
        CheckConstraint(check_in("action", ACTIVITY_ACTIONS), name="action"),
        CheckConstraint(check_in("entity_type", ACTIVITY_ENTITY_TYPES), name="entity_type"),
        Index("ix_activities_entity_type_entity_id_id", "entity_type", "entity_id", "id"),
        Index("ix_activities_job_id_id", "job_id", "id"),
        Index("ix_activities_candidate_id_id", "candidate_id", "id"),
        Index("ix_activities_client_id_id", "client_id", "id"),
        Index("ix_activities_actor_id_id", "actor_id", "id"),
    )

    __mapper_args__ = {"eager_defaults": True}

    def __repr__(self):
        return f"<Activity {self.id} {self.action} {self.entity_type}>"
