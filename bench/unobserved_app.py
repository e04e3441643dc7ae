"""gunicorn entry point for the overhead benchmark: the app without access logs or metrics."""

from gevent import monkey

monkey.patch_all()

from app.gevent_psycopg import patch_psycopg  # noqa: E402

patch_psycopg()

from app import create_app  # noqa: E402
from config import Config  # noqa: E402


class UnobservedConfig(Config):
    OBSERVE_REQUESTS = False


app = create_app(UnobservedConfig)
