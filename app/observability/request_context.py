"""Per-request observability: the request id, the access log line and request metrics."""

import logging
import re
import time
import uuid

from flask import current_app, g, request

from app.extensions import db
from app.observability import metrics, sql_timing
from app.observability.log_format import current_request_ids

logger = logging.getLogger("app.access")

REQUEST_ID_HEADER = "X-Request-ID"
# Heroku's router sends ids of 20 to 200 characters. Anything else that could
# break a log line or a header (spaces, quotes, control characters) is replaced.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")
# Requests that match no route share one label, so that scanning random paths
# cannot create a metric per path.
UNMATCHED_ROUTE = "<unmatched>"


def request_id_from(header_value):
    """Return ``header_value`` when it is a sane request id, else a new random one."""
    if header_value and SANE_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def route_template():
    """Return the matched URL rule (``/api/jobs/<uuid:job_id>``), never the raw path."""
    if request.url_rule is None:
        return UNMATCHED_ROUTE
    return request.url_rule.rule


def start_request():
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()
    sql_timing.start_counting()


def finish_request(response):
    """Echo the request id, count the request in the metrics and write its access line."""
    if "request_started" not in g:
        # A before_request hook registered earlier raised, so start_request never ran
        # and there is nothing to time.
        return response
    duration_s = time.perf_counter() - g.request_started
    sql_totals = sql_timing.stop_counting()
    response.headers[REQUEST_ID_HEADER] = g.request_id
    route = route_template()

    metrics.observe_request(request.method, route, response.status_code, duration_s)
    metrics.record_pool_state(db.engine.pool)

    duration_ms = round(duration_s * 1000, 2)
    request_id, user_id = current_request_ids()
    fields = {
        "requestId": request_id,
        "userId": user_id,
        "method": request.method,
        "route": route,
        "status": response.status_code,
        "durationMs": duration_ms,
        "responseBytes": response.calculate_content_length(),
    }
    # A WebSocket's line comes when the socket closes, so its duration is the
    # socket's lifetime, not the latency of a slow request.
    websocket = request.headers.get("Upgrade", "").lower() == "websocket"
    slow = not websocket and duration_ms >= current_app.config["LOG_SLOW_REQUEST_MS"]
    if slow:
        fields["sqlStatements"] = sql_totals.statements
        fields["sqlMs"] = round(sql_totals.seconds * 1000, 2)
    logger.log(
        logging.WARNING if slow else logging.INFO,
        "%s %s %s %.1f ms",
        request.method,
        route,
        response.status_code,
        duration_ms,
        extra=fields,
    )
    return response


def init_app(app):
    """Observe each request of ``app``; call it after db.init_app(app) created the engine."""
    app.before_request(start_request)
    app.after_request(finish_request)
    with app.app_context():
        engine = db.engine
    sql_timing.time_statements(engine)
