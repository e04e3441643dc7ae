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


def env_bool(name, default):
    """Read a true/false setting: 1, true, yes or on, and 0, false, no or off."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise RuntimeError(f"{name} must be true or false, got {raw!r}")


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
    # A login with "session": true also sets this HttpOnly cookie, with the token,
    # and browsers send it only to /ws. Secure (HTTPS only) unless APP_ENV is
    # development, because browsers drop Secure cookies on plain-HTTP pages.
    WS_SESSION_COOKIE = "ats_ws_session"
    WS_SESSION_COOKIE_SECURE = env_bool("WS_SESSION_COOKIE_SECURE", APP_ENV != "development")

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
    # Server-side prepared statements for search and the dashboard stats
    # (app/services/prepared.py); turn them off behind a PgBouncer in transaction mode.
    DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
    # A pooled connection idle for longer than this is pinged before use (see
    # app/pool_ping.py); 0 pings on every checkout.
    DB_PING_AFTER_IDLE_S = env_float("DB_PING_AFTER_IDLE_S", 1.0)
    # Without it, connecting to a database host that drops packets waits for the
    # operating system's TCP timeout, minutes on Linux. libpq takes whole seconds
    # and raises 1 to its minimum of 2 (libpq docs, connect_timeout).
    DB_CONNECT_TIMEOUT_S = env_int("DB_CONNECT_TIMEOUT_S", 3)
    DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 5000)
    # A session left idle inside a transaction holds its locks and a pool slot, so
    # PostgreSQL closes it after this long.
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = env_int("DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", 10000)

    # Cache of the dashboard's read services (Flask-Caching). Redis when REDIS_URL is
    # set, so that every worker shares one cache; a cache per process otherwise.
    CACHE_TYPE = os.environ.get(
        "CACHE_TYPE",
        "app.caching.resilient_redis.ResilientRedisCache" if REDIS_URL else "SimpleCache",
    )
    CACHE_REDIS_URL = REDIS_URL
    CACHE_DEFAULT_TIMEOUT = env_int("CACHE_TTL_S", 60)
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", f"{REDIS_KEY_PREFIX}:cache:")
    # Short socket timeouts, so that a Redis that stopped responding does not stall requests.
    REDIS_SOCKET_TIMEOUT_S = env_float("REDIS_SOCKET_TIMEOUT_S", 0.5)
    CACHE_OPTIONS = (
        {"socket_timeout": REDIS_SOCKET_TIMEOUT_S, "socket_connect_timeout": REDIS_SOCKET_TIMEOUT_S}
        if "Redis" in CACHE_TYPE
        else None
    )
    # A dashboard batch section that takes longer is reported as timed out.
    DASHBOARD_SECTION_TIMEOUT_S = env_float("DASHBOARD_SECTION_TIMEOUT_S", 5.0)

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

    # Search
    # Matches ranked per type (candidates, jobs, clients) for one search, plus as
    # many name and email matches. Ranking reads each ranked row, so this bounds a
    # broad query's cost. Beyond it `total` stops counting, and the best title or
    # other match may be missed.
    SEARCH_MAX_RANKED_MATCHES = env_int("SEARCH_MAX_RANKED_MATCHES", 200)

    # Live updates over WebSocket (/ws), per socket unless noted
    # Seconds a new socket has to send its auth message before it is closed.
    REALTIME_AUTH_TIMEOUT_S = env_float("REALTIME_AUTH_TIMEOUT_S", 5.0)
    # Seconds between server pings. A client whose pong to one ping has not arrived
    # by the next ping is dropped. Must be above 0.
    REALTIME_PING_INTERVAL_S = env_float("REALTIME_PING_INTERVAL_S", 25.0)
    # Messages waiting to be sent; a client that falls further behind is disconnected.
    # The listener hands out up to 16 events per channel at a time, so keep it well
    # above 16 times the channels a client follows.
    REALTIME_SEND_QUEUE_MAX = env_int("REALTIME_SEND_QUEUE_MAX", 256)
    # Seconds one write may block before the client is dropped as stuck.
    REALTIME_SEND_TIMEOUT_S = env_float("REALTIME_SEND_TIMEOUT_S", 10.0)
    # Seconds a closing socket waits for the client's close reply before it is cut.
    REALTIME_CLOSE_TIMEOUT_S = env_float("REALTIME_CLOSE_TIMEOUT_S", 2.0)
    # Client messages above this size get an error reply; 4 KiB is far above any
    # valid message. Frames above REALTIME_MAX_FRAME_BYTES close the socket (1009).
    REALTIME_MAX_MESSAGE_BYTES = env_int("REALTIME_MAX_MESSAGE_BYTES", 4096)
    REALTIME_MAX_FRAME_BYTES = env_int("REALTIME_MAX_FRAME_BYTES", 65536)
    # Error replies in one minute after which the socket is closed as flooding.
    REALTIME_MAX_ERRORS_PER_MINUTE = env_int("REALTIME_MAX_ERRORS_PER_MINUTE", 30)
    REALTIME_MAX_SUBSCRIPTIONS = env_int("REALTIME_MAX_SUBSCRIPTIONS", 100)
    # Max events one subscribe may replay. Beyond it the reply has recovered: false.
    REALTIME_REPLAY_MAX_EVENTS = env_int("REALTIME_REPLAY_MAX_EVENTS", 1000)
    # Seconds of silence after which the listener checks its PostgreSQL connection,
    # and the longest wait between its reconnection attempts.
    REALTIME_LISTENER_KEEPALIVE_S = env_float("REALTIME_LISTENER_KEEPALIVE_S", 30.0)
    REALTIME_LISTENER_RETRY_MAX_S = env_float("REALTIME_LISTENER_RETRY_MAX_S", 30.0)

    # Logging: "json" writes one JSON object per line, "text" readable lines.
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    # Requests slower than this log their access line at WARNING with SQL counts.
    LOG_SLOW_REQUEST_MS = env_int("LOG_SLOW_REQUEST_MS", 1000)

    # Metrics. When set, GET /metrics requires "Authorization: Bearer <token>";
    # unset, it is open, for a scraper on a private network.
    METRICS_BEARER_TOKEN = os.environ.get("METRICS_BEARER_TOKEN") or None
    # The access log, request ids and request metrics. Only the overhead benchmark
    # turns this off, so it is not read from the environment.
    OBSERVE_REQUESTS = True

    @property
    def SOCK_SERVER_OPTIONS(self):
        """Options of flask-sock's simple-websocket server."""
        return {
            "ping_interval": self.REALTIME_PING_INTERVAL_S,
            "max_message_size": self.REALTIME_MAX_FRAME_BYTES,
        }

    @property
    def SQLALCHEMY_ENGINE_OPTIONS(self):
        return {
            "pool_size": self.DB_POOL_SIZE,
            "max_overflow": self.DB_MAX_OVERFLOW,
            "pool_timeout": self.DB_POOL_TIMEOUT_S,
            "pool_recycle": self.DB_POOL_RECYCLE_S,
            # app/pool_ping.py pings only connections that sat idle.
            "pool_pre_ping": False,
            # Error messages and logs show SQL without its parameters, which can hold
            # token hashes, emails and other personal data.
            "hide_parameters": True,
            # No column uses hstore. Without this, psycopg2's dialect looks up the
            # hstore type on every new connection, a query that the statement
            # timeout can cancel before migrations have lifted it.
            "use_native_hstore": False,
            # Timestamps leave the database in UTC whatever the server's zone is.
            "connect_args": {
                "connect_timeout": self.DB_CONNECT_TIMEOUT_S,
                "options": " ".join(
                    [
                        "-c timezone=UTC",
                        f"-c statement_timeout={self.DB_STATEMENT_TIMEOUT_MS}",
                        "-c idle_in_transaction_session_timeout="
                        f"{self.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS}",
                        # Search ranks the first matches in physical order, which
                        # may come from a sequential scan. A synchronized scan would
                        # start where a concurrent one is, so the same query could
                        # rank other rows.
                        "-c synchronize_seqscans=off",
                    ]
                ),
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
    # The dashboard cache in that Redis, as with REDIS_URL in production.
    CACHE_TYPE = "app.caching.resilient_redis.ResilientRedisCache"
    CACHE_REDIS_URL = REDIS_URL
    CACHE_KEY_PREFIX = f"{REDIS_KEY_PREFIX}:cache:"
    CACHE_OPTIONS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
