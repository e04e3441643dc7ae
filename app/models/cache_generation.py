"""Generation counters of cached data families, bumped by every write that changes one."""

from sqlalchemy import BigInteger, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class CacheGeneration(db.Model):
    __tablename__ = "cache_generations"

    family: Mapped[str] = mapped_column(String(20), primary_key=True)
    # A family's generation is the sum over its shards; see app/caching/generations.py.
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")

    def __repr__(self):
        return f"<CacheGeneration {self.family} {self.shard} {self.generation}>"
