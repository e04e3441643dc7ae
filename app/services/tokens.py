"""API tokens: issue, authenticate, and record their use."""

import datetime as dt
import hashlib
import logging
import secrets

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import ApiToken
from app.realtime import announce_token_revoked
from app.services.exceptions import AuthenticationFailed
from app.services.transaction import write_transaction

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "ats_"
# 32 random bytes: 256 bits, so a token cannot be guessed or brute-forced.
TOKEN_BYTES = 32
# Real tokens are 47 characters; anything much longer is rejected before hashing.
MAX_TOKEN_LENGTH = 200
# last_used_at is refreshed at most this often, so that reads do not each cost a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user, *, name, expires_at=None):
    """Create a token for ``user`` and return ``(ApiToken, token_text)``.

    Only the hash is stored; the caller must hand the text to the user now.
    """
    token_text = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    with write_transaction():
        token = ApiToken(
            user_id=user.id, name=name, token_hash=hash_token(token_text), expires_at=expires_at
        )
        token.user = user
        db.session.add(token)
    logger.info("Issued API token %s (%s) for user %s", token.id, name, user.id)
    return token, token_text


def authenticate_token(token_text):
    """Return the valid ApiToken for a bearer token text, or raise AuthenticationFailed.

    The token's user is loaded with it.
    """
    if not token_text or len(token_text) > MAX_TOKEN_LENGTH:
        raise AuthenticationFailed("Missing or invalid bearer token.")

    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token_text)))
    now = dt.datetime.now(dt.UTC)
    if token is None or token.revoked_at is not None:
        raise AuthenticationFailed("Missing or invalid bearer token.")
    if token.expires_at is not None and token.expires_at <= now:
        raise AuthenticationFailed("The bearer token has expired. Log in again for a new one.")

    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        with write_transaction():
            db.session.execute(
                update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
            )
    return token


def list_tokens(user):
    """Return the user's tokens, newest first, revoked and expired ones included."""
    statement = (
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    )
    return db.session.scalars(statement).all()


def revoke_token(token_id):
    """Revoke a token at once; return False when no such token exists.

    Revoking twice keeps the first revocation time.
    """
    with write_transaction():
        result = db.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id)
            .values(revoked_at=func.coalesce(ApiToken.revoked_at, func.statement_timestamp()))
        )
        # Delivered on commit: every worker then closes the token's open WebSockets.
        announce_token_revoked(token_id)
    found = result.rowcount > 0
    if found:
        logger.info("Revoked API token %s", token_id)
    return found
