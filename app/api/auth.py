"""Login endpoint."""

from flask import after_this_request, current_app

from app.api.authentication import current_token_id, public
from app.api.blueprint import ApiBlueprint
from app.api.rate_limits import limit_login
from app.realtime.session_cookie import clear_session_cookie, set_session_cookie
from app.schemas.auth import LoginResultSchema, LoginSchema
from app.services.auth import log_in
from app.services.tokens import revoke_token

blp = ApiBlueprint(
    "auth",
    __name__,
    url_prefix="/api/auth",
    description="Log in for a token, log out to revoke it.",
)


@blp.route("/login", methods=["POST"])
@public
@limit_login
@blp.doc(security=[])
@blp.arguments(LoginSchema)
@blp.response(200, LoginResultSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(429, description="Too many login attempts for this account or address.")
def login(credentials):
    """Exchange an email and password for a bearer token."""
    user, token = log_in(credentials["email"], credentials["password"])
    if credentials["session"]:
        config = current_app.config
        after_this_request(lambda response: set_session_cookie(response, config, token))
    return {"token": token, "user": user}


@blp.route("/logout", methods=["POST"])
@blp.response(204)
def logout():
    """Revoke the bearer token of this request, and drop the /ws session cookie."""
    revoke_token(current_token_id())
    config = current_app.config
    after_this_request(lambda response: clear_session_cookie(response, config))
