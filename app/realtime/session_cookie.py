"""The cookie that lets a logged-in browser open /ws without sending its token.

Browsers cannot set headers on a WebSocket, so a web client either sends the
token in its first message or logs in with ``"session": true``. The login then
sets an HttpOnly cookie that contains the token and is sent only to /ws, so REST
requests never carry it and cannot be forged across sites with it.

Browsers apply no CORS check to WebSocket handshakes, and SameSite=Strict still
lets pages on other hosts of the same site send the cookie. The cookie therefore
counts only when the handshake's Origin is this server's own origin or an origin
in CORS_ALLOWED_ORIGINS. Origins compare as RFC 6454 defines them: scheme, host
and port, so a plain-HTTP page on port 80 of this host cannot use the cookie of
the HTTPS site. Clients other than browsers may send no Origin. They could send
any Origin anyway, so the check protects browser users only.
"""

import logging
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

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


# The schemes of web origins and their default ports. A handshake arrives as an
# HTTP request, but a proxy may name its scheme ws or wss in X-Forwarded-Proto.
DEFAULT_PORTS = {"http": 80, "https": 443}
WEBSOCKET_SCHEMES = {"ws": "http", "wss": "https"}


def parse_origin(text):
    """Return ``(scheme, host, port)`` of a serialized origin, or None when it is not one.

    A serialized origin has no user name, path, query or fragment, and its scheme
    and host compare in lowercase.
    """
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    if "@" in parts.netloc or parts.path or parts.query or parts.fragment:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def origin_allowed(origin, scheme, host, config):
    """Return whether a handshake from ``origin`` may use the session cookie.

    ``scheme`` and ``host`` are those of the handshake request, which make up
    this server's own origin.
    """
    if origin is None:
        return True
    parsed = parse_origin(origin)
    if parsed is None:
        return False
    scheme = WEBSOCKET_SCHEMES.get(scheme, scheme)
    if parsed == parse_origin(f"{scheme}://{host}"):
        return True
    return any(parsed == parse_origin(allowed) for allowed in config["CORS_ALLOWED_ORIGINS"])


def session_token(request, config):
    """Return the token of the handshake's session cookie, or None.

    None also when the Origin is not allowed to use the cookie.
    """
    token_text = request.cookies.get(config["WS_SESSION_COOKIE"])
    if not token_text:
        return None
    origin = request.headers.get("Origin")
    if not origin_allowed(origin, request.scheme, request.host, config):
        # Behind a proxy that terminates TLS, the scheme is https only when
        # TRUSTED_PROXY_COUNT lets ProxyFix read X-Forwarded-Proto. Without it, the
        # browser's own origin fails this check too.
        logger.info(
            "WebSocket session cookie ignored: Origin %r is not %s://%s or an allowed origin",
            origin,
            request.scheme,
            request.host,
        )
        return None
    return token_text
