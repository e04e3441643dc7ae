"""API tokens of the calling user; admins may revoke anyone's."""

from flask.views import MethodView

from app.api.authentication import current_user
from app.api.blueprint import ApiBlueprint
from app.schemas.token import TokenCreatedSchema, TokenListSchema, TokenSchema
from app.services import tokens

TOKEN_FIELDS = tuple(TokenSchema().fields)

blp = ApiBlueprint(
    "tokens",
    __name__,
    url_prefix="/api/tokens",
    description="Bearer tokens for scripts and integrations: create, list, revoke.",
)


@blp.route("")
class Tokens(MethodView):
    @blp.response(200, TokenListSchema)
    def get(self):
        """List your own tokens, newest first (at most 100)."""
        actor = current_user()
        return {"data": tokens.list_user_tokens(actor.id, actor)}

    @blp.arguments(TokenSchema)
    @blp.response(201, TokenCreatedSchema)
    def post(self, data):
        """Create a token for yourself; its text is returned only this once."""
        token, token_text = tokens.create_token(current_user(), **data)
        return {"token": token_text, **{name: getattr(token, name) for name in TOKEN_FIELDS}}


@blp.route("/<uuid:token_id>")
class TokenById(MethodView):
    @blp.response(204)
    def delete(self, token_id):
        """Revoke a token at once: your own, or any token for an admin."""
        tokens.delete_token(token_id, current_user())
