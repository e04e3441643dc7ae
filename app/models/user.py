"""Users of the system: recruiters, admins and read-only viewers."""

from sqlalchemy import CheckConstraint, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import Timestamps, UUIDPrimaryKey, check_in
from app.models.enums import USER_ROLES


class User(UUIDPrimaryKey, Timestamps, db.Model):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # werkzeug's generate_password_hash output (scrypt). Accounts made by the seed
    # command hold "!" here, which matches no password.
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)

    __table_args__ = (
        CheckConstraint(check_in("role", USER_ROLES), name="role"),
        Index("uq_users_lower_email", func.lower(email), unique=True),
    )

    def __repr__(self):
        return f"<User {self.id} {self.role}>"
