"""Candidate request and response bodies, and the candidate list's query arguments."""

import marshmallow as ma

from app.models.enums import CANDIDATE_SOURCES
from app.schemas.base import ApiSchema, page_schema
from app.schemas.fields import OptionalText, Text, UtcDateTime
from app.schemas.query import ListArgsSchema, sort_by_field

MAX_SKILLS = 50
# Digits with the usual separators and an optional leading +, and at least 3 digits.
PHONE_PATTERN = r"^(?=(?:\D*\d){3})\+?[0-9 ()./x-]{3,50}$"


class CandidateSchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    first_name = Text(required=True, max_length=100)
    last_name = Text(required=True, max_length=100)
    email = OptionalText(max_length=254, validate=ma.validate.Email())
    phone = OptionalText(
        max_length=50,
        validate=ma.validate.Regexp(
            PHONE_PATTERN,
            error="Not a valid phone number: use at least 3 digits, with spaces and + ( ) . - x.",
        ),
    )
    current_title = OptionalText(max_length=200)
    current_company = OptionalText(max_length=200)
    location = OptionalText(max_length=200)
    skills = ma.fields.List(
        Text(required=True, max_length=100),
        load_default=list,
        validate=ma.validate.Length(max=MAX_SKILLS),
    )
    source = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(CANDIDATE_SOURCES))
    notes = OptionalText(max_length=10000, multiline=True)
    created_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)


class CandidateUpdateSchema(CandidateSchema):
    """Partial update: an absent ``skills`` leaves the list unchanged."""

    skills = ma.fields.List(
        Text(required=True, max_length=100), validate=ma.validate.Length(max=MAX_SKILLS)
    )


class CandidateSummarySchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    first_name = ma.fields.String(dump_only=True)
    last_name = ma.fields.String(dump_only=True)
    email = ma.fields.String(dump_only=True)
    current_title = ma.fields.String(dump_only=True)
    current_company = ma.fields.String(dump_only=True)


class CandidateListArgsSchema(ListArgsSchema):
    sort_by = sort_by_field(["createdAt", "updatedAt", "lastName"])
    source = ma.fields.String(validate=ma.validate.OneOf(CANDIDATE_SOURCES))
    skill = Text(
        max_length=100,
        validate=ma.validate.Length(min=1, error="May not be blank."),
        metadata={"description": "Exact skill, ignoring case."},
    )


CandidatePageSchema = page_schema(CandidateSchema, "CandidatePage")
