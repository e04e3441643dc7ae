"""Query-string arguments shared by the list and delete endpoints."""

import marshmallow as ma

from app.schemas.base import ApiSchema

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class ListArgsSchema(ApiSchema):
    limit = ma.fields.Integer(
        load_default=DEFAULT_PAGE_SIZE,
        validate=ma.validate.Range(min=1, max=MAX_PAGE_SIZE),
        metadata={"description": f"Page size, 1 to {MAX_PAGE_SIZE}."},
    )
    cursor = ma.fields.String(
        validate=ma.validate.Length(max=2000),
        metadata={"description": "The `nextCursor` of the previous page."},
    )


class DeleteArgsSchema(ApiSchema):
    cascade = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Also delete the rows that depend on this one."},
    )
