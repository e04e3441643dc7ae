"""User representations."""

import marshmallow as ma

from app.schemas.base import ApiSchema
from app.schemas.fields import UtcDateTime


class UserSchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    email = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)
    role = ma.fields.String(dump_only=True)
    created_at = UtcDateTime(dump_only=True)


class UserSummarySchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(dump_only=True)
