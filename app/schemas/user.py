"""User representations, and the admin's create and update bodies."""

import marshmallow as ma

from app.models.enums import USER_ROLES
from app.schemas.base import ApiSchema
from app.schemas.fields import Text, UnicodeString, UtcDateTime
from app.services.password_policy import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

PASSWORD_DESCRIPTION = (
    f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters, not a common password "
    "and not the email address. Never returned."
)


def password_field(**kwargs):
    # No trimming: the password is hashed exactly as sent. The service checks the
    # policy, because one rule compares the password with the email.
    return UnicodeString(
        load_only=True,
        validate=ma.validate.Length(max=MAX_PASSWORD_LENGTH),
        metadata={"description": PASSWORD_DESCRIPTION, "maxLength": MAX_PASSWORD_LENGTH},
        **kwargs,
    )


class UserSchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    email = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)
    role = ma.fields.String(dump_only=True)
    created_at = UtcDateTime(dump_only=True)


class UserCreateSchema(ApiSchema):
    email = Text(required=True, max_length=254, validate=ma.validate.Email())
    name = Text(max_length=200, metadata={"description": "Defaults to the part before @."})
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(USER_ROLES))
    password = password_field(required=True)


class UserUpdateSchema(ApiSchema):
    """Partial update; a new password revokes every token of the user."""

    name = Text(max_length=200, validate=ma.validate.Length(min=1, error="May not be blank."))
    role = ma.fields.String(validate=ma.validate.OneOf(USER_ROLES))
    password = password_field()


class UserListSchema(ApiSchema):
    data = ma.fields.List(ma.fields.Nested(UserSchema), required=True)


class UserSummarySchema(ApiSchema):
    id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(dump_only=True)
