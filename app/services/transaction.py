"""The one place where service writes commit, and where integrity errors become domain errors.

It is also where a write bumps the cache generations of the data it changed, in
the same transaction (see app/caching/generations.py).
"""

from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from app.caching import generations
from app.extensions import db
from app.services.autocommit import leave_autocommit
from app.services.exceptions import Conflict, InvalidInput

# PostgreSQL SQLSTATE codes.
UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"

# Unique constraints and the request field each one protects.
UNIQUE_CONSTRAINTS = {
    "uq_clients_lower_name": ("name", "A client with this name already exists."),
    "uq_candidates_lower_email": ("email", "A candidate with this email already exists."),
    "uq_users_lower_email": ("email", "A user with this email already exists."),
    "uq_job_candidates_job_id_candidate_id": (
        "candidate_id",
        "This candidate is already on this job.",
    ),
}

# Foreign keys violated by an insert or update: the referenced row does not exist.
FOREIGN_KEYS = {
    "fk_jobs_client_id_clients": ("client_id", "No client with this id."),
    "fk_jobs_owner_id_users": ("owner_id", "No user with this id."),
    "fk_job_candidates_job_id_jobs": ("job_id", "No job with this id."),
    "fk_job_candidates_candidate_id_candidates": ("candidate_id", "No candidate with this id."),
}


@contextmanager
def write_transaction(*, deleting=False):
    """Run a service's writes and commit them, or roll back everything on any error.

    With ``deleting``, a foreign-key violation means that rows still depend on the
    deleted one (a concurrent insert won the race), not that a reference is unknown.
    """
    leave_autocommit()
    try:
        yield
        generations.bump_marked()
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        generations.discard_marked()
        raise domain_error_for(error, deleting=deleting) from error
    except BaseException:
        db.session.rollback()
        generations.discard_marked()
        raise


def domain_error_for(error, *, deleting):
    """Translate an IntegrityError into the domain error that names the field."""
    sqlstate = getattr(error.orig, "pgcode", None)
    diag = getattr(error.orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None)

    if sqlstate == UNIQUE_VIOLATION and constraint in UNIQUE_CONSTRAINTS:
        field, message = UNIQUE_CONSTRAINTS[constraint]
        return Conflict(message, code="duplicate", fields={field: [message]})
    if sqlstate == FOREIGN_KEY_VIOLATION and deleting:
        return Conflict(
            "Rows that refer to this one were added while it was being deleted, "
            "so nothing was deleted. Retry the request.",
            code="has_dependents",
        )
    if sqlstate == FOREIGN_KEY_VIOLATION and constraint in FOREIGN_KEYS:
        field, message = FOREIGN_KEYS[constraint]
        return InvalidInput(field, message)
    # A constraint the schemas should have caught first: report it without the driver text.
    return Conflict(f"The change violates the database constraint {constraint}.", code="conflict")
