"""API token representations and the create body."""

import marshmallow as ma

from app.schemas.base import ApiSchema
from app.schemas.fields import Text, UtcDateTime


class TokenSchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    user_id = ma.fields.UUID(dump_only=True)
    name = Text(required=True, max_length=100, metadata={"description": "A label for people."})
    created_at = UtcDateTime(dump_only=True)
    last_used_at = UtcDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Refreshed at most once a minute; null if never used."},
    )
    expires_at = UtcDateTime(
        allow_none=True,
        load_default=None,
        metadata={"description": "Optional; must be in the future. Null never expires."},
    )
    revoked_at = UtcDateTime(dump_only=True, allow_none=True)


class TokenCreatedSchema(TokenSchema):
    token = ma.fields.String(
        dump_only=True,
        required=True,
        metadata={"description": "Bearer token. It is shown only this once."},
    )


class TokenListSchema(ApiSchema):
    data = ma.fields.List(ma.fields.Nested(TokenSchema), required=True)
