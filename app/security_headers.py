"""Security headers on every response, and the CORS allowlist."""

from flask import request

# The API returns JSON only, so nothing it sends may run scripts, load resources or
# be framed.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
# The interactive docs page loads Swagger UI from the CDN and starts it with an
# inline script, then calls the API on this origin.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    "script-src 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src data: https://cdn.jsdelivr.net; "
    "connect-src 'self'; "
    "frame-ancestors 'none'"
)
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# Response headers a browser script on an allowed origin may read.
CORS_EXPOSED_HEADERS = ["Link", "Retry-After", "WWW-Authenticate"]


def init_app(app):
    """Add the security headers to every response and allow the configured origins."""
    from app.extensions import cors

    docs_path = "/" + app.config["OPENAPI_SWAGGER_UI_PATH"].strip("/")
    hsts_max_age = app.config["HSTS_MAX_AGE_S"]

    @app.after_request
    def add_security_headers(response):
        for name, value in STATIC_HEADERS.items():
            response.headers.setdefault(name, value)
        policy = DOCS_CONTENT_SECURITY_POLICY
        if request.path != docs_path:
            policy = API_CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        if request.path.startswith("/api/"):
            # Responses carry personal data and tokens: no shared or browser cache.
            response.headers.setdefault("Cache-Control", "no-store")
        if hsts_max_age > 0:
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={hsts_max_age}; includeSubDomains"
            )
        return response

    # Bearer tokens travel in the Authorization header, never in cookies, so
    # credentials (cookies) are not allowed cross-origin.
    cors.init_app(
        app,
        origins=app.config["CORS_ALLOWED_ORIGINS"],
        supports_credentials=False,
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=CORS_EXPOSED_HEADERS,
        max_age=600,
    )
