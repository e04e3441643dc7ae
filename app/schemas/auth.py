"""Login request and response."""

import marshmallow as ma

from app.schemas.base import ApiSchema
from app.schemas.fields import Text, UnicodeString
from app.schemas.user import UserSchema


class LoginSchema(ApiSchema):
    email = Text(required=True, max_length=254)
    # No trimming or format rule here: the password is compared as sent.
    password = UnicodeString(
        required=True, load_only=True, validate=ma.validate.Length(min=1, max=1024)
    )
    session = ma.fields.Boolean(
        load_default=False,
        load_only=True,
        metadata={
            "description": "Also set an HttpOnly cookie, sent only to /ws, that "
            "authenticates this browser's WebSockets without a token message."
        },
    )


class LoginResultSchema(ApiSchema):
    token = ma.fields.String(
        required=True, metadata={"description": "Bearer token. It is shown only once."}
    )
    user = ma.fields.Nested(UserSchema, required=True)
