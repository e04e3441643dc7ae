"""Reading the server's metrics."""

from app.extensions import db
from app.observability import metrics
from app.observability.summary import metrics_summary, prometheus_text
from app.services.permissions import require_admin


def get_metrics_summary(actor):
    """Return the JSON metrics summary; only admins may read it."""
    require_admin(actor)
    metrics.record_pool_state(db.engine.pool)
    return metrics_summary()


def get_prometheus_text():
    """Return ``(body, content type)`` of every metric in the Prometheus text format."""
    metrics.record_pool_state(db.engine.pool)
    return prometheus_text()
