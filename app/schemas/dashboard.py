"""Dashboard responses and query arguments."""

import marshmallow as ma

from app.models.enums import JOB_STATUSES, STAGES
from app.schemas.base import ApiSchema, page_schema
from app.schemas.fields import QueryInteger, UtcDateTime
from app.schemas.query import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from app.services.dashboard_batch import SECTIONS
from app.services.dashboard_pipeline import GROUPS

ME = "me"
# The length of a UUID in its usual text form.
UUID_LENGTH = 36


class OwnerIdField(ma.fields.Field):
    """A user id, or ``me`` for the caller; loads as a UUID or the string ``me``."""

    default_error_messages = {"invalid": "Not a valid UUID, nor `me`."}

    def _deserialize(self, value, attr, data, **kwargs):
        if value == ME:
            return ME
        try:
            return ma.fields.UUID()._deserialize(value, attr, data, **kwargs)
        except ma.ValidationError:
            raise self.make_error("invalid") from None


def _limit():
    return QueryInteger(
        load_default=DEFAULT_PAGE_SIZE,
        validate=ma.validate.Range(min=1, max=MAX_PAGE_SIZE),
        metadata={"description": f"Page size, 1 to {MAX_PAGE_SIZE}."},
    )


def _cursor():
    return ma.fields.String(
        validate=ma.validate.Length(max=2000),
        metadata={"description": "The `nextCursor` of the previous page."},
    )


def _owner_id():
    return OwnerIdField(
        metadata={
            "type": "string",
            "maxLength": UUID_LENGTH,
            "description": "Only jobs owned by this user; `me` for yours.",
        }
    )


def _client_id():
    return ma.fields.UUID(metadata={"description": "Only this client's jobs."})


def _group_by():
    return ma.fields.String(
        load_default="job",
        validate=ma.validate.OneOf(GROUPS),
        metadata={"description": "One row per open job, or per client of open jobs."},
    )


class StatsArgsSchema(ApiSchema):
    client_id = _client_id()
    owner_id = _owner_id()


class RecentActivityArgsSchema(ApiSchema):
    limit = _limit()
    cursor = _cursor()
    client_id = ma.fields.UUID(metadata={"description": "Only activities about this client."})
    job_id = ma.fields.UUID(metadata={"description": "Only activities about this job."})
    candidate_id = ma.fields.UUID(metadata={"description": "Only activities about this candidate."})
    owner_id = OwnerIdField(
        metadata={
            "type": "string",
            "maxLength": UUID_LENGTH,
            "description": "Only activities about this user's jobs; `me` for yours.",
        }
    )


class PipelineSummaryArgsSchema(ApiSchema):
    group_by = _group_by()
    client_id = _client_id()
    owner_id = _owner_id()
    limit = _limit()
    cursor = _cursor()


class BatchArgsSchema(ApiSchema):
    include = ma.fields.String(
        validate=ma.validate.Length(max=200),
        metadata={
            "description": "Comma-separated sections, all when absent: " + ", ".join(SECTIONS),
        },
    )
    client_id = _client_id()
    owner_id = _owner_id()
    group_by = _group_by()
    limit = _limit()


class WindowCountsSchema(ApiSchema):
    last_7_days = ma.fields.Integer(required=True, data_key="last7Days")
    last_30_days = ma.fields.Integer(required=True, data_key="last30Days")


class TimeToHireSchema(ApiSchema):
    median_days = ma.fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "Null without hires in the window."},
    )
    hires = ma.fields.Integer(required=True, metadata={"description": "Hires in the window."})
    window_days = ma.fields.Integer(required=True)


class StatsSchema(ApiSchema):
    open_jobs = ma.fields.Integer(required=True)
    jobs_by_status = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.OneOf(JOB_STATUSES)),
        values=ma.fields.Integer(),
        required=True,
    )
    active_candidates = ma.fields.Integer(
        required=True,
        metadata={"description": "Candidates with an application neither hired nor rejected."},
    )
    applications_by_stage = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.OneOf(STAGES)),
        values=ma.fields.Integer(),
        required=True,
    )
    new_applications = ma.fields.Nested(WindowCountsSchema, required=True)
    hires = ma.fields.Nested(WindowCountsSchema, required=True)
    time_to_hire = ma.fields.Nested(TimeToHireSchema, required=True)
    computed_at = UtcDateTime(
        required=True, metadata={"description": "When these numbers were read from the database."}
    )


class ActorSchema(ApiSchema):
    id = ma.fields.UUID()
    name = ma.fields.String()


class ActivitySchema(ApiSchema):
    id = ma.fields.Integer(required=True)
    action = ma.fields.String(required=True)
    entity_type = ma.fields.String(required=True)
    entity_id = ma.fields.UUID(required=True)
    entity_label = ma.fields.String(
        allow_none=True,
        metadata={"description": "Candidate name, job title, ...; null once the row is deleted."},
    )
    actor = ma.fields.Nested(ActorSchema, allow_none=True)
    job_id = ma.fields.UUID(allow_none=True)
    candidate_id = ma.fields.UUID(allow_none=True)
    client_id = ma.fields.UUID(allow_none=True)
    payload = ma.fields.Dict()
    created_at = UtcDateTime()


class PipelineJobSchema(ApiSchema):
    id = ma.fields.UUID()
    title = ma.fields.String()
    status = ma.fields.String()


class PipelineClientSchema(ApiSchema):
    id = ma.fields.UUID()
    name = ma.fields.String()


class PipelineRowSchema(ApiSchema):
    job = ma.fields.Nested(
        PipelineJobSchema, allow_none=True, metadata={"description": "Null per client."}
    )
    client = ma.fields.Nested(PipelineClientSchema)
    open_jobs = ma.fields.Integer(allow_none=True, metadata={"description": "Null per job."})
    stages = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.OneOf(STAGES)), values=ma.fields.Integer()
    )
    total = ma.fields.Integer()
    active = ma.fields.Integer()
    last_activity_at = UtcDateTime()


ActivityPageSchema = page_schema(ActivitySchema, "ActivityPage")
PipelineSummaryPageSchema = page_schema(PipelineRowSchema, "PipelineSummaryPage")


class SectionErrorSchema(ApiSchema):
    code = ma.fields.String()
    message = ma.fields.String()


class BatchSchema(ApiSchema):
    stats = ma.fields.Nested(StatsSchema)
    recent_activity = ma.fields.Nested(ActivityPageSchema)
    pipeline_summary = ma.fields.Nested(PipelineSummaryPageSchema)
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Nested(SectionErrorSchema),
        metadata={
            "description": "Sections that failed, by their `include` name; the others still return."
        },
    )
