"""Role rules: viewers read, recruiters also write, admins also manage users."""

from app.models.enums import USER_ROLES
from app.services.exceptions import PermissionDenied

WRITER_ROLES = ("admin", "recruiter")


def require_writer(actor):
    """Raise PermissionDenied unless the actor may change recruiting data."""
    if actor.role not in WRITER_ROLES:
        raise PermissionDenied(f"The {actor.role} role can read data but not change it.")


def require_admin(actor):
    """Raise PermissionDenied unless the actor is an admin."""
    if actor.role != "admin":
        raise PermissionDenied("Only an admin can do this.")


def require_reader(actor):
    """Raise PermissionDenied unless the actor may read recruiting data (every role may)."""
    if actor.role not in USER_ROLES:
        raise PermissionDenied(f"The {actor.role} role cannot read recruiting data.")
