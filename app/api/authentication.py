"""Bearer-token authentication for the /api blueprints."""

from flask import current_app, g, request

from app.services.exceptions import AuthenticationFailed
from app.services.tokens import authenticate_caller


def public(view):
    """Mark a view as reachable without a token."""
    view.is_public = True
    return view


def reads_cache_generations(view_class):
    """Mark a view class whose requests read the cache generations.

    The token lookup then reads them in the same statement.
    """
    view_class.reads_cache_generations = True
    return view_class


def authenticate_request():
    """Set ``g.current_user`` from the Authorization header, or raise AuthenticationFailed.

    Runs before every view of an API blueprint, so a route is protected unless it is
    marked @public.
    """
    # A CORS preflight never carries credentials, and the browser sends the real
    # request only after a 2xx response to it.
    if request.method == "OPTIONS":
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False):
        return

    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed("Missing bearer token: send 'Authorization: Bearer <token>'.")
    view_class = getattr(view, "view_class", None)
    read_generations = getattr(view_class, "reads_cache_generations", False)
    g.current_user = authenticate_caller(token.strip(), read_generations=read_generations)


def current_user():
    """Return the Caller (user id, role, token id) authenticated for this request."""
    return g.current_user


def current_token_id():
    """Return the id of the token that authenticated this request."""
    return g.current_user.token_id
