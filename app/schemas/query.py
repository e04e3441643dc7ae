"""Query-string arguments shared by the list and delete endpoints."""

import marshmallow as ma

from app.schemas.base import ApiSchema
from app.schemas.fields import QueryInteger, UtcDateTime

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


def sort_by_field(names):
    """Return the ``sortBy`` field of a list that can be sorted by ``names``.

    The allowed names are documented as an enum but checked by the service, which
    rejects an unknown name with 400 ``invalid_sort``.
    """
    return ma.fields.String(
        load_default=names[0],
        validate=ma.validate.Length(max=50),
        metadata={"enum": list(names), "description": "Sort key; the id breaks ties."},
    )


class ListArgsSchema(ApiSchema):
    limit = QueryInteger(
        load_default=DEFAULT_PAGE_SIZE,
        validate=ma.validate.Range(min=1, max=MAX_PAGE_SIZE),
        metadata={"description": f"Page size, 1 to {MAX_PAGE_SIZE}."},
    )
    cursor = ma.fields.String(
        validate=ma.validate.Length(max=2000),
        metadata={"description": "The `nextCursor` of the previous page."},
    )
    sort_by = sort_by_field(["createdAt"])
    sort_order = ma.fields.String(load_default="desc", validate=ma.validate.OneOf(["asc", "desc"]))
    created_after = UtcDateTime(metadata={"description": "Only rows created after this time."})
    created_before = UtcDateTime(metadata={"description": "Only rows created before this time."})
    updated_after = UtcDateTime(metadata={"description": "Only rows changed after this time."})


class DeleteArgsSchema(ApiSchema):
    cascade = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Also delete the rows that depend on this one."},
    )
