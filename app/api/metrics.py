"""Metrics: Prometheus text at /metrics, a JSON summary for admins at /api/metrics."""

import hmac

from flask import Blueprint, current_app, request

from app.api.authentication import current_user
from app.api.blueprint import ApiBlueprint
from app.errors import error_response
from app.schemas.metrics import MetricsSchema
from app.services.metrics import get_metrics_summary, get_prometheus_text

blp = ApiBlueprint(
    "metrics",
    __name__,
    url_prefix="/api/metrics",
    description="Request counts and latency per route, database pool, cache and WebSockets.",
)
prometheus_blp = Blueprint("prometheus", __name__)


@blp.route("", methods=["GET"])
@blp.response(200, MetricsSchema)
def metrics_summary():
    """Summarize request metrics of every worker (admins only)."""
    return get_metrics_summary(current_user())


@prometheus_blp.get("/metrics")
def prometheus_metrics():
    """Serve every metric in the Prometheus text format, for a scraper."""
    expected = current_app.config["METRICS_BEARER_TOKEN"]
    if expected:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
            return error_response(
                401,
                "unauthorized",
                "Send the METRICS_BEARER_TOKEN as 'Authorization: Bearer <token>'.",
                headers={"WWW-Authenticate": "Bearer"},
            )

    body, content_type = get_prometheus_text()
    return body, 200, {"Content-Type": content_type}
