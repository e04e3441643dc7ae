"""Application (job candidate) request and response bodies, and list arguments."""

import marshmallow as ma

from app.models.enums import STAGES
from app.schemas.base import ApiSchema, page_schema
from app.schemas.candidate import CandidateSummarySchema
from app.schemas.fields import OptionalText, UtcDateTime
from app.schemas.job import JobSummarySchema
from app.schemas.query import ListArgsSchema, sort_by_field

STAGE_DESCRIPTION = "Pipeline stage, in order: " + ", ".join(STAGES) + "."
REASON_DESCRIPTION = "Required when the stage is `rejected`, and only then."


class JobCandidateSchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    job_id = ma.fields.UUID(required=True)
    candidate_id = ma.fields.UUID(required=True)
    stage = ma.fields.String(
        load_default="sourced",
        validate=ma.validate.OneOf(STAGES),
        metadata={"description": STAGE_DESCRIPTION},
    )
    rejection_reason = OptionalText(max_length=500, metadata={"description": REASON_DESCRIPTION})
    stage_changed_at = UtcDateTime(dump_only=True)
    job = ma.fields.Nested(JobSummarySchema, dump_only=True)
    candidate = ma.fields.Nested(CandidateSummarySchema, dump_only=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)


class JobCandidateUpdateSchema(ApiSchema):
    """Moving an application is a PATCH of ``stage``; job and candidate are fixed."""

    stage = ma.fields.String(
        validate=ma.validate.OneOf(STAGES), metadata={"description": STAGE_DESCRIPTION}
    )
    rejection_reason = OptionalText(max_length=500, metadata={"description": REASON_DESCRIPTION})


class PipelineArgsSchema(ListArgsSchema):
    sort_by = sort_by_field(["createdAt", "updatedAt", "stageChangedAt", "stage"])
    stage = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(STAGES)),
        validate=ma.validate.Length(max=len(STAGES)),
        metadata={"description": "Repeat to match any of several stages."},
    )


class JobCandidateListArgsSchema(PipelineArgsSchema):
    job_id = ma.fields.UUID()
    candidate_id = ma.fields.UUID()


JobCandidatePageSchema = page_schema(JobCandidateSchema, "JobCandidatePage")
