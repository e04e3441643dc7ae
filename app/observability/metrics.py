"""Prometheus metric objects and the functions other features call to update them.

With PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py sets it before the workers
start), prometheus-client keeps every value in memory-mapped files in that folder,
so that /metrics and /api/metrics add up all gunicorn workers. Without it, as in
the tests' Flask client, values live in this process.

Other features call these functions instead of touching the metric objects:

- the dashboard cache: ``count_cache_hit(name)`` and ``count_cache_miss(name)``;
- WebSocket live updates: ``websocket_opened()``, ``websocket_closed()`` and
  ``count_websocket_events(count=1)``.
"""

from prometheus_client import Counter, Gauge, Histogram

# Upper bounds in seconds of the latency histogram buckets. Fixed buckets keep
# memory flat however many requests arrive. Percentiles are interpolated inside
# a bucket, so their error is at most the width of the bucket they fall in.
LATENCY_BUCKETS_S = (
    0.001,
    0.002,
    0.003,
    0.005,
    0.0075,
    0.01,
    0.015,
    0.02,
    0.03,
    0.05,
    0.075,
    0.1,
    0.15,
    0.2,
    0.3,
    0.5,
    0.75,
    1.0,
    1.5,
    2.0,
    3.0,
    5.0,
    7.5,
    10.0,
    15.0,
    30.0,
    60.0,
)

REQUEST_LABELS = ("method", "route")

requests_total = Counter(
    "http_requests_total",
    "HTTP requests by method, route template and status code.",
    (*REQUEST_LABELS, "status"),
)
request_errors_total = Counter(
    "http_request_errors_total",
    "HTTP requests answered with a 5xx status, by method and route template.",
    REQUEST_LABELS,
)
request_duration_seconds = Histogram(
    "http_request_duration_seconds",
    "Time from the start of routing to the response, by method and route template.",
    REQUEST_LABELS,
    buckets=LATENCY_BUCKETS_S,
)
# Histograms have no min and max. Each worker keeps its own extreme in a gauge,
# and the multiprocess collector takes the min or max over the workers' files.
request_duration_min_seconds = Gauge(
    "http_request_duration_min_seconds",
    "Fastest request by method and route template since the server started.",
    REQUEST_LABELS,
    multiprocess_mode="min",
)
request_duration_max_seconds = Gauge(
    "http_request_duration_max_seconds",
    "Slowest request by method and route template since the server started.",
    REQUEST_LABELS,
    multiprocess_mode="max",
)

# Pool gauges are summed over the live workers: each worker has its own pool.
db_pool_size = Gauge(
    "db_pool_size",
    "Connections each pool keeps open, summed over the workers.",
    multiprocess_mode="livesum",
)
db_pool_checked_out = Gauge(
    "db_pool_checked_out",
    "Connections in use by a request.",
    multiprocess_mode="livesum",
)
db_pool_overflow = Gauge(
    "db_pool_overflow",
    "Connections open beyond the pool size (at most DB_MAX_OVERFLOW per worker).",
    multiprocess_mode="livesum",
)

cache_hits_total = Counter("cache_hits_total", "Cache lookups that found a value.", ("cache",))
cache_misses_total = Counter("cache_misses_total", "Cache lookups that found nothing.", ("cache",))

websocket_connections = Gauge(
    "websocket_connections",
    "Open WebSocket connections.",
    multiprocess_mode="livesum",
)
websocket_events_sent_total = Counter(
    "websocket_events_sent_total", "Events sent to WebSocket clients."
)

# This worker's extremes, so that a request updates a gauge file only when it
# sets a new minimum or maximum.
_fastest_s = {}
_slowest_s = {}
# Labelled children by label values, because labels() costs more than the update.
_request_counters = {}
_route_series = {}
_last_pool_state = None


def observe_request(method, route, status, duration_s):
    """Count one finished request and record its latency."""
    counter_key = (method, route, status)
    counter = _request_counters.get(counter_key)
    if counter is None:
        counter = _request_counters[counter_key] = requests_total.labels(method, route, str(status))
    counter.inc()

    key = (method, route)
    series = _route_series.get(key)
    if series is None:
        series = _route_series[key] = (
            request_duration_seconds.labels(method, route),
            request_errors_total.labels(method, route),
        )
    histogram, errors = series
    histogram.observe(duration_s)
    if status >= 500:
        errors.inc()

    if duration_s < _fastest_s.get(key, float("inf")):
        _fastest_s[key] = duration_s
        request_duration_min_seconds.labels(method, route).set(duration_s)
    if duration_s > _slowest_s.get(key, -1.0):
        _slowest_s[key] = duration_s
        request_duration_max_seconds.labels(method, route).set(duration_s)


def record_pool_state(pool):
    """Copy a SQLAlchemy QueuePool's counters into the pool gauges when they changed."""
    global _last_pool_state
    # QueuePool.overflow() counts up from -pool_size while the pool fills up.
    state = (pool.size(), pool.checkedout(), max(0, pool.overflow()))
    if state == _last_pool_state:
        return
    _last_pool_state = state
    db_pool_size.set(state[0])
    db_pool_checked_out.set(state[1])
    db_pool_overflow.set(state[2])


def count_cache_hit(cache="default"):
    cache_hits_total.labels(cache).inc()


def count_cache_miss(cache="default"):
    cache_misses_total.labels(cache).inc()


def websocket_opened():
    websocket_connections.inc()


def websocket_closed():
    websocket_connections.dec()


def count_websocket_events(count=1):
    websocket_events_sent_total.inc(count)
