"""Read the metrics of every worker: Prometheus text for /metrics, a summary for /api/metrics."""

import math
import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

PERCENTILES = {"p50": 0.50, "p95": 0.95, "p99": 0.99}

# Metrics that the summary adds up over all their labels.
SCALAR_METRICS = {
    "db_pool_size",
    "db_pool_checked_out",
    "db_pool_overflow",
    "cache_hits_total",
    "cache_misses_total",
    "websocket_connections",
    "websocket_events_sent_total",
}


def server_registry():
    """Return a registry of the whole server's metrics.

    In multiprocess mode, MultiProcessCollector reads the files of all workers,
    including those that have exited, and adds them up per metric's mode.
    """
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


def prometheus_text():
    """Return ``(body, content type)`` in the Prometheus text exposition format."""
    return generate_latest(server_registry()), CONTENT_TYPE_LATEST


def collect_samples():
    """Return every sample of the server as ``(name, labels, value)``."""
    return [
        (sample.name, sample.labels, sample.value)
        for family in server_registry().collect()
        for sample in family.samples
    ]


def bucket_percentile(buckets, fraction, low, high):
    """Estimate a percentile from cumulative ``[(upper bound, count)]`` buckets.

    Interpolates linearly inside the bucket that contains the rank. ``low`` and ``high``
    (the observed min and max) bound the first and the open-ended last bucket.
    """
    total = buckets[-1][1]
    rank = fraction * total
    lower_bound, lower_count = low, 0.0
    for upper_bound, count in buckets:
        if count >= rank and count > lower_count:
            upper = min(upper_bound, high)
            lower = min(max(lower_bound, low), upper)
            share = (rank - lower_count) / (count - lower_count)
            return lower + (upper - lower) * share
        lower_bound, lower_count = upper_bound, count
    return high


def route_summaries(samples):
    """Return one summary per (method, route): count, errors and latency in ms."""
    routes = {}

    def entry(labels):
        key = (labels["method"], labels["route"])
        return routes.setdefault(key, {"buckets": [], "errors": 0, "sum": 0.0, "statuses": {}})

    for name, labels, value in samples:
        if name == "http_requests_total":
            statuses = entry(labels)["statuses"]
            statuses[labels["status"]] = statuses.get(labels["status"], 0) + int(value)
        elif name == "http_request_duration_seconds_bucket":
            entry(labels)["buckets"].append((float(labels["le"]), value))
        elif name == "http_request_duration_seconds_sum":
            entry(labels)["sum"] = value
        elif name == "http_request_errors_total":
            entry(labels)["errors"] = value
        elif name == "http_request_duration_min_seconds":
            entry(labels)["min"] = value
        elif name == "http_request_duration_max_seconds":
            entry(labels)["max"] = value

    summaries = []
    for (method, route), data in sorted(routes.items(), key=lambda item: (item[0][1], item[0][0])):
        buckets = sorted(data["buckets"])
        count = buckets[-1][1] if buckets else 0
        if not count:
            continue
        low = data.get("min", 0.0)
        high = data.get("max", buckets[-2][0] if len(buckets) > 1 else 0.0)
        latency = {"min": low, "mean": data["sum"] / count, "max": high}
        for key, fraction in PERCENTILES.items():
            latency[key] = bucket_percentile(buckets, fraction, low, high)
        summaries.append(
            {
                "method": method,
                "route": route,
                "count": int(count),
                "errors": int(data["errors"]),
                "statuses": dict(sorted(data["statuses"].items())),
                "latency_ms": {key: round(value * 1000, 3) for key, value in latency.items()},
            }
        )
    return summaries


def metrics_summary():
    """Return the JSON view of the metrics: routes, database pool, cache and WebSockets."""
    samples = collect_samples()
    totals = {}
    for name, _, value in samples:
        if name in SCALAR_METRICS:
            totals[name] = totals.get(name, 0.0) + value

    def total(name):
        value = totals.get(name, 0.0)
        return int(value) if math.isfinite(value) else 0

    return {
        "routes": route_summaries(samples),
        "database_pool": {
            "size": total("db_pool_size"),
            "checked_out": total("db_pool_checked_out"),
            "overflow": total("db_pool_overflow"),
        },
        "cache": {"hits": total("cache_hits_total"), "misses": total("cache_misses_total")},
        "websocket": {
            "connections": total("websocket_connections"),
            "events_sent": total("websocket_events_sent_total"),
        },
    }
