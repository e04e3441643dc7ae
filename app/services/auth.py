"""Login: trade an email and password for a bearer token."""

import datetime as dt
import logging

from flask import current_app

from app.services.tokens import issue_token
from app.services.users import authenticate_password

logger = logging.getLogger(__name__)


def log_in(email, password):
    """Check the credentials and return ``(user, token_text)`` for a new login token."""
    user = authenticate_password(email, password)
    ttl = dt.timedelta(hours=current_app.config["LOGIN_TOKEN_TTL_HOURS"])
    _, token_text = issue_token(user, name="login", expires_at=dt.datetime.now(dt.UTC) + ttl)
    logger.info("User %s logged in", user.id)
    return user, token_text
