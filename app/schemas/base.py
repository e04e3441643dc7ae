"""Base schemas: camelCase JSON keys, unknown keys rejected, the page envelope."""

import marshmallow as ma

from app.naming import camelize


class ApiSchema(ma.Schema):
    """A schema whose JSON keys are the camelCase form of its snake_case attributes.

    marshmallow rejects unknown keys by default, and that includes read-only keys
    such as ``id`` sent in a request body.
    """

    def on_bind_field(self, field_name, field_obj):
        field_obj.data_key = camelize(field_obj.data_key or field_name)


def page_schema(item_schema, name):
    """Return a schema class for a page ``{data, hasNextPage, nextCursor}`` of items."""
    return ApiSchema.from_dict(
        {
            "data": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "has_next_page": ma.fields.Boolean(required=True),
            "next_cursor": ma.fields.String(
                allow_none=True,
                required=True,
                metadata={
                    "description": "Pass as `cursor` to get the next page; null on the last page."
                },
            ),
        },
        name=name,
    )
