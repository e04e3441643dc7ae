"""Readiness check of the database."""

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

logger = logging.getLogger(__name__)


def database_is_ready():
    """Return whether a trivial query succeeds; log the failure when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError as error:
        logger.warning("Readiness check failed: %s", error)
        db.session.rollback()
        return False
