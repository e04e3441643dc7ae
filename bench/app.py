"""gunicorn entry point for benchmarks: the real app plus the naive routes."""

from gevent import monkey

monkey.patch_all()

from app.gevent_psycopg import patch_psycopg  # noqa: E402

patch_psycopg()

from app import create_app  # noqa: E402
from bench import naive  # noqa: E402

app = create_app()
app.register_blueprint(naive.blp)
