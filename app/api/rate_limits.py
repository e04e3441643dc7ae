"""Rate limits of the login endpoint: per account and per client address."""

from flask import current_app, request
from flask_limiter.util import get_remote_address

from app.extensions import limiter

# Longer values are not valid emails (the login schema rejects them); cutting them
# keeps hostile input out of the Redis key.
MAX_KEY_EMAIL_LENGTH = 254


def login_account_key():
    """Return the rate-limit key of the account a login names: its email, case-folded.

    An email that has no account gets a counter too, so a 429 reveals nothing about
    which emails exist.
    """
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        # silent=True covers only ValueError. The view's parser reports the
        # malformed body as 400 after this.
        body = None
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str):
        return "account:"
    return "account:" + email.strip().lower()[:MAX_KEY_EMAIL_LENGTH]


def login_address_key():
    return "address:" + (get_remote_address() or "")


def _account_limit():
    return current_app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"]


def _address_limit():
    return current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"]


TOO_MANY_LOGINS = "Too many login attempts. Wait for the time in Retry-After and try again."


def limit_login(view):
    """Apply the per-account and per-address limits to a login view."""
    # Only POST counts: a browser's CORS preflight (OPTIONS) is not a login attempt.
    options = {"scope": "login", "methods": ["POST"], "error_message": TOO_MANY_LOGINS}
    view = limiter.limit(_account_limit, key_func=login_account_key, **options)(view)
    return limiter.limit(_address_limit, key_func=login_address_key, **options)(view)
