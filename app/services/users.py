"""Users: creation, administration and password login."""

import logging

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import User
from app.models.enums import USER_ROLES
from app.services.activities import changed_fields_payload, record_activity
from app.services.exceptions import AuthenticationFailed, InvalidInput
from app.services.lookup import fetch_one
from app.services.password_policy import check_password
from app.services.passwords import hash_password, password_matches
from app.services.permissions import require_admin
from app.services.tokens import revoke_user_tokens
from app.services.transaction import write_transaction
from app.services.updates import apply_changes

logger = logging.getLogger(__name__)

# Stored instead of a hash for accounts that must not log in with a password.
UNUSABLE_PASSWORD = "!"
# Hashed once per process at import, with the same method and cost as real
# passwords. Checking a password for an unknown email against it makes that
# failure take as long as a wrong password for a real account, from the first
# attempt on.
DECOY_HASH = generate_password_hash("decoy password for unknown accounts")


def find_user_by_email(email):
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def _check_role(role):
    if role not in USER_ROLES:
        raise InvalidInput("role", f"Must be one of: {', '.join(USER_ROLES)}.")


def create_user(email, password, *, role, name=None, actor=None):
    """Create a user with a hashed password and return it.

    ``actor`` is the admin creating the user through the API; None means the
    command line, which is trusted.
    """
    if actor is not None:
        require_admin(actor)
    email = email.strip()
    _check_role(role)
    check_password(password, email=email)

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


def list_users(actor):
    """Return every user ordered by email; only admins may list them."""
    require_admin(actor)
    return db.session.scalars(select(User).order_by(func.lower(User.email))).all()


def get_user(user_id, actor):
    require_admin(actor)
    return fetch_one(select(User).where(User.id == user_id), User, missing="User not found.")


def update_user(user_id, changes, actor):
    """Change a user's name, role or password; a new password revokes all their tokens.

    An admin cannot take the admin role from themselves, so there is always one
    admin left to undo a mistake.
    """
    require_admin(actor)
    changes = dict(changes)
    password = changes.pop("password", None)
    if "role" in changes:
        _check_role(changes["role"])
    with write_transaction():
        user = fetch_one(
            select(User).where(User.id == user_id), User, for_update=True, missing="User not found."
        )
        if user.id == actor.id and changes.get("role", "admin") != "admin":
            raise InvalidInput("role", "You cannot remove your own admin role.")
        if password is not None:
            check_password(password, email=user.email)
            user.password_hash = hash_password(password)
        changed = apply_changes(user, changes)
        if password is not None:
            changed.append("password")
        if changed:
            db.session.flush()
            record_activity(actor, "updated", user, changed_fields_payload(changed))
    logger.info("Updated user %s fields %s by user %s", user.id, changed, actor.id)
    if password is not None:
        revoke_user_tokens(user.id)
    return user


def authenticate_password(email, password):
    """Return the user with this email and password, or raise AuthenticationFailed.

    A wrong email and a wrong password fail with the same message after the same
    work. The login view's rate limits run before this.
    """
    user = find_user_by_email(email)
    password_hash = user.password_hash if user is not None else UNUSABLE_PASSWORD
    if password_hash == UNUSABLE_PASSWORD:
        password_matches(DECOY_HASH, password)
        logger.info("Login failed: no account with a password for the given email")
        raise AuthenticationFailed("Invalid email or password.")
    if not password_matches(password_hash, password):
        logger.info("Login failed: wrong password for user %s", user.id)
        raise AuthenticationFailed("Invalid email or password.")
    return user


def revoke_tokens_of_user(user_id, actor):
    """Revoke every token of an existing user; admins only."""
    user = get_user(user_id, actor)
    revoke_user_tokens(user.id)
