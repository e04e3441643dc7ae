"""User administration, for admins."""

from flask.views import MethodView

from app.api.authentication import current_user
from app.api.blueprint import ApiBlueprint
from app.schemas.token import TokenListSchema
from app.schemas.user import UserCreateSchema, UserListSchema, UserSchema, UserUpdateSchema
from app.services import tokens, users

blp = ApiBlueprint(
    "users", __name__, url_prefix="/api/users", description="Accounts and their roles (admins)."
)


@blp.route("")
class Users(MethodView):
    @blp.response(200, UserListSchema)
    def get(self):
        """List all users by email."""
        return {"data": users.list_users(current_user())}

    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        """Create a user with a role and an initial password."""
        return users.create_user(
            data["email"],
            data["password"],
            role=data["role"],
            name=data.get("name"),
            actor=current_user(),
        )


@blp.route("/<uuid:user_id>")
class UserById(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """Get one user."""
        return users.get_user(user_id, current_user())

    @blp.arguments(UserUpdateSchema(partial=True))
    @blp.response(200, UserSchema)
    def patch(self, changes, user_id):
        """Change a user's name, role or password; a new password revokes their tokens."""
        return users.update_user(user_id, changes, current_user())


@blp.route("/<uuid:user_id>/tokens")
class UserTokens(MethodView):
    @blp.response(200, TokenListSchema)
    def get(self, user_id):
        """List a user's tokens, newest first (at most 100)."""
        return {"data": tokens.list_user_tokens(user_id, current_user())}

    @blp.response(204)
    def delete(self, user_id):
        """Revoke every token of a user at once."""
        users.revoke_tokens_of_user(user_id, current_user())
