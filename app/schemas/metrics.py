"""Schema of GET /api/metrics."""

import marshmallow as ma

from app.schemas.base import ApiSchema


class LatencySchema(ApiSchema):
    min = ma.fields.Float(required=True)
    mean = ma.fields.Float(required=True)
    max = ma.fields.Float(required=True)
    p50 = ma.fields.Float(required=True)
    p95 = ma.fields.Float(required=True)
    p99 = ma.fields.Float(required=True)


class RouteMetricsSchema(ApiSchema):
    method = ma.fields.String(required=True)
    route = ma.fields.String(
        required=True,
        metadata={"description": "The URL rule, e.g. `/api/jobs/<uuid:job_id>`."},
    )
    count = ma.fields.Integer(required=True)
    errors = ma.fields.Integer(
        required=True, metadata={"description": "Requests answered with a 5xx status."}
    )
    statuses = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        required=True,
        metadata={"description": "Requests per status code."},
    )
    latency_ms = ma.fields.Nested(
        LatencySchema,
        required=True,
        metadata={
            "description": "Milliseconds. Percentiles are estimated from fixed histogram "
            "buckets, min and max are exact."
        },
    )


class DatabasePoolSchema(ApiSchema):
    size = ma.fields.Integer(required=True)
    checked_out = ma.fields.Integer(required=True)
    overflow = ma.fields.Integer(required=True)


class CacheMetricsSchema(ApiSchema):
    hits = ma.fields.Integer(required=True)
    misses = ma.fields.Integer(required=True)


class WebSocketMetricsSchema(ApiSchema):
    connections = ma.fields.Integer(required=True)
    events_sent = ma.fields.Integer(required=True)


class MetricsSchema(ApiSchema):
    """Request metrics since the server started, over every worker of this server."""

    routes = ma.fields.List(ma.fields.Nested(RouteMetricsSchema), required=True)
    database_pool = ma.fields.Nested(
        DatabasePoolSchema,
        required=True,
        metadata={"description": "Summed over the workers, as of each worker's last request."},
    )
    cache = ma.fields.Nested(CacheMetricsSchema, required=True)
    websocket = ma.fields.Nested(WebSocketMetricsSchema, required=True)
