"""Liveness and readiness probes for deploys; no authentication."""

from flask import Blueprint

from app.errors import RETRY_AFTER_S, error_response
from app.services.health import database_is_ready

blp = Blueprint("health", __name__)


@blp.get("/health")
def health():
    """Report that the process serves requests, without touching the database."""
    return {"status": "ok"}


@blp.get("/ready")
def ready():
    """Report whether a query succeeds, with 503 while the database is unreachable."""
    if database_is_ready():
        return {"status": "ready", "database": "ok"}
    return error_response(
        503,
        "service_unavailable",
        "The database is unreachable.",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )
