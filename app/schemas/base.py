"""Base schemas: camelCase JSON keys, unknown keys rejected, the page envelope."""

import marshmallow as ma

from app.naming import camelize
from app.schemas import dumping


class ApiSchema(ma.Schema):
    """A schema whose JSON keys are the camelCase form of its snake_case attributes.

    marshmallow rejects unknown keys by default, and that includes read-only keys
    such as ``id`` sent in a request body.
    """

    def on_bind_field(self, field_name, field_obj):
        field_obj.data_key = camelize(field_obj.data_key or field_name)

    def _serialize(self, obj, *, many=False):
        # See app/schemas/dumping.py: the same output with fewer calls per value.
        if not dumping.uses_default_accessor(self):
            return super()._serialize(obj, many=many)
        plan = self.__dict__.get("_dump_plan")
        if plan is None:
            plan = self._dump_plan = dumping.build_plan(self)
        if many and obj is not None:
            return [dumping.serialize(self, plan, item) for item in obj]
        return dumping.serialize(self, plan, obj)


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
