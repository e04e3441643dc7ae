"""Job request and response bodies, and the job list's query arguments."""

import marshmallow as ma

from app.models.enums import EMPLOYMENT_TYPES, JOB_STATUSES
from app.schemas.base import ApiSchema, page_schema
from app.schemas.client import ClientSummarySchema
from app.schemas.fields import OptionalText, Text, UtcDateTime
from app.schemas.query import ListArgsSchema, sort_by_field
from app.schemas.user import UserSummarySchema

MAX_OPENINGS = 10000


class JobSchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    client_id = ma.fields.UUID(required=True)
    title = Text(required=True, max_length=200)
    description = OptionalText(max_length=20000, multiline=True)
    location = OptionalText(max_length=200)
    employment_type = ma.fields.String(
        load_default="full_time", validate=ma.validate.OneOf(EMPLOYMENT_TYPES)
    )
    status = ma.fields.String(load_default="open", validate=ma.validate.OneOf(JOB_STATUSES))
    openings = ma.fields.Integer(
        load_default=1, strict=True, validate=ma.validate.Range(min=1, max=MAX_OPENINGS)
    )
    owner_id = ma.fields.UUID(
        metadata={"description": "A recruiter or admin. Defaults to the user creating the job."}
    )
    client = ma.fields.Nested(ClientSummarySchema, dump_only=True)
    owner = ma.fields.Nested(UserSummarySchema, dump_only=True)
    candidate_count = ma.fields.Integer(
        dump_only=True, metadata={"description": "Applications on the job, in any stage."}
    )
    active_count = ma.fields.Integer(
        dump_only=True, metadata={"description": "Applications neither hired nor rejected."}
    )
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)


class JobUpdateSchema(JobSchema):
    """Partial update. Defaults of the create schema do not apply here."""

    employment_type = ma.fields.String(validate=ma.validate.OneOf(EMPLOYMENT_TYPES))
    status = ma.fields.String(validate=ma.validate.OneOf(JOB_STATUSES))
    openings = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=MAX_OPENINGS))


class JobSummarySchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    title = ma.fields.String(dump_only=True)
    status = ma.fields.String(dump_only=True)
    client_id = ma.fields.UUID(dump_only=True)


class JobListArgsSchema(ListArgsSchema):
    sort_by = sort_by_field(["createdAt", "updatedAt", "title", "status"])
    status = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(JOB_STATUSES)),
        validate=ma.validate.Length(max=len(JOB_STATUSES)),
        metadata={"description": "Repeat to match any of several statuses."},
    )
    client_id = ma.fields.UUID()
    owner_id = ma.fields.UUID()


JobPageSchema = page_schema(JobSchema, "JobPage")
