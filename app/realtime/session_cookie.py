"""The cookie that lets a logged-in browser open /ws without sending its token.

Browsers cannot set headers on a WebSocket, so a web client either sends the
token in its first message or logs in with ``"session": true``. The login then
sets an HttpOnly cookie that contains the token and is sent only to /ws, so REST
requests never carry it and cannot be forged across sites with it.

Browsers apply no CORS check to WebSocket handshakes, and SameSite=Strict still
lets pages on other hosts of the same site send the cookie. The cookie therefore
counts only when the handshake's Origin is this server's own host or an origin
in CORS_ALLOWED_ORIGINS. Clients other than browsers may send no Origin. They
could send any Origin anyway, so the check protects browser users only.
"""

from urllib.parse import urlsplit

WS_PATH = "/ws"


def set_session_cookie(response, config, token_text):
    """Add the /ws session cookie with ``token_text`` to ``response``."""
    response.set_cookie(
        config["WS_SESSION_COOKIE"],
        token_text,
        max_age=config["LOGIN_TOKEN_TTL_HOURS"] * 3600,
        path=WS_PATH,
        secure=config["WS_SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )
    return response


def clear_session_cookie(response, config):
    """Tell the browser to drop the /ws session cookie."""
    response.delete_cookie(
        config["WS_SESSION_COOKIE"],
        path=WS_PATH,
        secure=config["WS_SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )
    return response


def origin_allowed(origin, host, config):
    """Return whether a handshake from ``origin`` to ``host`` may use the session cookie."""
    if origin is None:
        return True
    if origin in config["CORS_ALLOWED_ORIGINS"]:
        return True
    return urlsplit(origin).netloc == host


def session_token(request, config):
    """Return the token of the handshake's session cookie, or None.

    None also when the Origin is not allowed to use the cookie.
    """
    token_text = request.cookies.get(config["WS_SESSION_COOKIE"])
    if not token_text:
        return None
    if not origin_allowed(request.headers.get("Origin"), request.host, config):
        return None
    return token_text
