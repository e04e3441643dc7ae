"""Search arguments and results."""

import marshmallow as ma

from app.schemas.base import ApiSchema
from app.schemas.fields import QueryInteger
from app.services.search import MAX_TYPES_LENGTH
from app.services.search_query import MAX_QUERY_LENGTH

MAX_SEARCH_LIMIT = 50
# Every page ranks the same set of matches, so a deep offset saves nothing. A
# search box has no use for deep pages, and the cap stops scripts from walking them.
MAX_SEARCH_OFFSET = 1000


class SearchArgsSchema(ApiSchema):
    # q and type are checked by the service, which rejects a bad value with 400.
    q = ma.fields.String(
        metadata={
            "description": (
                f"Search text, at most {MAX_QUERY_LENGTH} characters: words (all must match, "
                'the last one as a prefix), "quoted phrases" and -excluded words.'
            ),
            "maxLength": MAX_QUERY_LENGTH,
        }
    )
    type = ma.fields.String(
        metadata={
            "description": "candidate, job or client, or several comma-separated.",
            "maxLength": MAX_TYPES_LENGTH,
        }
    )
    limit = QueryInteger(
        load_default=10,
        validate=ma.validate.Range(min=1, max=MAX_SEARCH_LIMIT),
        metadata={"description": f"Page size, 1 to {MAX_SEARCH_LIMIT}."},
    )
    offset = QueryInteger(
        load_default=0,
        validate=ma.validate.Range(min=0, max=MAX_SEARCH_OFFSET),
        metadata={"description": f"Results to skip, 0 to {MAX_SEARCH_OFFSET}."},
    )


class SearchResultSchema(ApiSchema):
    type = ma.fields.String(required=True, metadata={"enum": ["candidate", "job", "client"]})
    id = ma.fields.UUID(required=True)
    title = ma.fields.String(
        required=True, metadata={"description": "Candidate name, job title or client name."}
    )
    subtitle = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={
            "description": "Candidate's current title at company, job's client, client's industry."
        },
    )
    rank = ma.fields.Float(
        required=True,
        metadata={"description": "Score, higher first: tier (0 to 3) plus a text rank below 1."},
    )
    highlight = ma.fields.String(
        required=True,
        metadata={
            "description": "HTML-escaped snippet of the matched fields, matches in <mark> tags."
        },
    )


class SearchPageSchema(ApiSchema):
    data = ma.fields.List(ma.fields.Nested(SearchResultSchema), required=True)
    total = ma.fields.Integer(
        required=True, metadata={"description": "Matches in all, up to the ranking cap."}
    )
    total_capped = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "True when a type reached the ranking cap: total is then a lower "
            "bound, and only the first matches in storage order and the name and email "
            "matches were ranked."
        },
    )
    limit = ma.fields.Integer(required=True)
    offset = ma.fields.Integer(required=True)
