"""Clients: the companies an agency hires for."""

from sqlalchemy import Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import Timestamps, UUIDPrimaryKey


class Client(UUIDPrimaryKey, Timestamps, db.Model):
    __tablename__ = "clients"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    industry: Mapped[str | None] = mapped_column(String(100))
    website: Mapped[str | None] = mapped_column(String(2048))
    notes: Mapped[str | None] = mapped_column(String(10000))

    __table_args__ = (
        Index("uq_clients_lower_name", func.lower(name), unique=True),
        Index("ix_clients_created_at_id", "created_at", "id"),
        Index("ix_clients_updated_at_id", "updated_at", "id"),
        Index("ix_clients_name_id", "name", "id"),
    )

    def __repr__(self):
        return f"<Client {self.id}>"
