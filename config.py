"""Configuration classes, read from the environment in the Heroku style."""

import os
import secrets

from dotenv import load_dotenv

# A local .env file fills in variables the environment does not set, for the flask
# command and gunicorn alike. Platforms such as Heroku set real variables instead.
load_dotenv()


def env_int(name, default):
    """Read an integer setting, failing at startup with the variable's name."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from None


def env_float(name, default):
    """Read a float setting, failing at startup with the variable's name."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a number, got {raw!r}") from None


def env_list(name, default=()):
    """Read a comma-separated list setting; blank items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_url(raw):
    """Return a SQLAlchemy URL that uses psycopg2 for a DATABASE_URL value.

    Heroku hands out ``postgres://`` URLs, a scheme SQLAlchemy no longer accepts, and
    SQLAlchemy 2.1 maps a bare ``postgresql://`` to psycopg 3, which is not installed.
    """
    for scheme in ("postgres://", "postgresql://"):
        if raw.startswith(scheme):
            return "postgresql+psycopg2://" + raw[len(scheme) :]
    return raw


class Config:
    """Production defaults. Every value can be overridden by an environment variable."""

    # Security
    # "development" allows the built-in development SECRET_KEY; anything else is
    # treated as production.
    APP_ENV = os.environ.get("APP_ENV", "production")
    # Signs pagination cursors. Outside development create_app() refuses to start
    # when it is unset, the development default or shorter than 32 characters,
    # because cursors signed with a known key could be forged.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Origins (scheme://host[:port]) whose browser scripts may call the API. Empty
    # means no cross-origin access at all.
    CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
    # Strict-Transport-Security max-age; 0 leaves the header out (plain-HTTP setups).
    HSTS_MAX_AGE_S = env_int("HSTS_MAX_AGE_S", 0)
    # Proxies in front of the app whose X-Forwarded-For entry is trusted, so that
    # rate limits see the client's address. Heroku's router is one proxy.
    TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
    # Lifetime of a token issued by POST /api/auth/login. Tokens made with
    # `flask tokens create` do not expire unless asked to.
    LOGIN_TOKEN_TTL_HOURS = env_int("LOGIN_TOKEN_TTL_HOURS", 24 * 30)

    # Login rate limits, in the notation of the limits package ("10/minute;50/hour").
    # Every attempt counts, successful or not, so a burst of parallel attempts cannot
    # slip past a limit that is checked before it is counted.
    LOGIN_RATE_LIMIT_PER_ACCOUNT = os.environ.get(
        "LOGIN_RATE_LIMIT_PER_ACCOUNT", "10/minute;50/hour"
    )
    LOGIN_RATE_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_RATE_LIMIT_PER_ADDRESS", "30/minute")

    # Redis: shared state of all workers, such as rate-limit counters. Without it the
    # counters are per process, which is only right for a single worker.
    REDIS_URL = os.environ.get("REDIS_URL")
    # Prefix of every Redis key the app writes, so that several apps can share a server.
    REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "ats")

    # Database
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/ats")
    )
    DB_POOL_SIZE = env_int("DB_POOL_SIZE", 5)
    DB_MAX_OVERFLOW = env_int("DB_MAX_OVERFLOW", 5)
    DB_POOL_TIMEOUT_S = env_float("DB_POOL_TIMEOUT_S", 2.0)
    DB_POOL_RECYCLE_S = env_int("DB_POOL_RECYCLE_S", 1800)
    DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 5000)

    # HTTP
    # 1 MiB is far above any valid request body here; larger bodies get 413.
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH_BYTES", 1024 * 1024)
    # Valid bodies nest two levels (an object holding a list of strings) and the
    # longest valid list has 50 items, so these bounds only stop hostile documents
    # that would make validation walk hundreds of thousands of nodes.
    MAX_JSON_DEPTH = env_int("MAX_JSON_DEPTH", 10)
    MAX_JSON_ARRAY_ITEMS = env_int("MAX_JSON_ARRAY_ITEMS", 1000)

    # OpenAPI document and interactive docs (flask-smorest)
    API_TITLE = "Recruiting ATS API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/"

    # Logging
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    @property
    def SQLALCHEMY_ENGINE_OPTIONS(self):
        return {
            "pool_size": self.DB_POOL_SIZE,
            "max_overflow": self.DB_MAX_OVERFLOW,
            "pool_timeout": self.DB_POOL_TIMEOUT_S,
            "pool_recycle": self.DB_POOL_RECYCLE_S,
            "pool_pre_ping": True,
            # No column uses hstore. Without this, psycopg2's dialect looks up the
            # hstore type on every new connection, a query that the statement
            # timeout can cancel before migrations have lifted it.
            "use_native_hstore": False,
            # Timestamps leave the database in UTC whatever the server's zone is.
            "connect_args": {
                "options": f"-c timezone=UTC -c statement_timeout={self.DB_STATEMENT_TIMEOUT_MS}",
            },
        }


class TestConfig(Config):
    """Settings for the test suite. The database URL is set by the test fixtures."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    # A real Redis, as in production, shared with other test runs: each run (process)
    # writes under its own key prefix and deletes only those keys. The prefix is set
    # here, not per app, because Flask-Limiter keeps the prefix of the first app it
    # is bound to.
    REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    REDIS_KEY_PREFIX = f"ats_test_{os.getpid()}_{secrets.token_hex(3)}"
