"""Client request and response bodies."""

import marshmallow as ma

from app.schemas.base import ApiSchema, page_schema
from app.schemas.fields import OptionalText, Text, UtcDateTime
from app.schemas.query import ListArgsSchema, sort_by_field


class ClientSchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    name = Text(required=True, max_length=200)
    industry = OptionalText(max_length=100)
    website = OptionalText(
        max_length=2048, validate=ma.validate.URL(schemes={"http", "https"}, require_tld=True)
    )
    notes = OptionalText(max_length=10000, multiline=True)
    job_count = ma.fields.Integer(dump_only=True, metadata={"description": "Jobs in any status."})
    open_job_count = ma.fields.Integer(
        dump_only=True, metadata={"description": "Jobs with status open."}
    )
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)


class ClientUpdateSchema(ClientSchema):
    """Partial update of a client; named apart so the OpenAPI document lists it once."""


class ClientSummarySchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(dump_only=True)


class ClientListArgsSchema(ListArgsSchema):
    sort_by = sort_by_field(["createdAt", "updatedAt", "name"])


ClientPageSchema = page_schema(ClientSchema, "ClientPage")
