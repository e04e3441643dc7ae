"""Users: creation and password login."""

import functools
import logging

from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.models.enums import USER_ROLES
from app.services.activities import record_activity
from app.services.exceptions import AuthenticationFailed, InvalidInput
from app.services.passwords import hash_password, password_matches
from app.services.transaction import write_transaction

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
# Stored instead of a hash for accounts that must not log in with a password.
UNUSABLE_PASSWORD = "!"


@functools.cache
def _decoy_hash():
    # Hashed once per process. Checking a password for an unknown email against it
    # makes that failure take as long as a wrong password for a real account.
    return hash_password("decoy password for unknown accounts")


def find_user_by_email(email):
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email, password, *, role, name=None, actor=None):
    """Create a user with a hashed password and return it."""
    email = email.strip()
    if role not in USER_ROLES:
        raise InvalidInput("role", f"Must be one of: {', '.join(USER_ROLES)}.")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            "password",
            f"Must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters long.",
        )

    with write_transaction():
        user = User(
            email=email,
            name=(name or email.split("@")[0]).strip(),
            password_hash=hash_password(password),
            role=role,
        )
        db.session.add(user)
        db.session.flush()
        record_activity(actor, "created", user, {"role": role})
    logger.info("Created user %s with role %s", user.id, role)
    return user


def authenticate_password(email, password):
    """Return the user with this email and password, or raise AuthenticationFailed.

    A wrong email and a wrong password fail with the same message after the same work.
    """
    # TODO: rate-limit failed logins per account and per client address.
    user = find_user_by_email(email)
    password_hash = user.password_hash if user is not None else UNUSABLE_PASSWORD
    if password_hash == UNUSABLE_PASSWORD:
        password_matches(_decoy_hash(), password)
        logger.info("Login failed: no account with a password for the given email")
        raise AuthenticationFailed("Invalid email or password.")
    if not password_matches(password_hash, password):
        logger.info("Login failed: wrong password for user %s", user.id)
        raise AuthenticationFailed("Invalid email or password.")
    return user
