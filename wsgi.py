"""gunicorn entry point: `gunicorn wsgi:app`."""

# gevent must patch the standard library before anything imports sockets or threads.
from gevent import monkey

monkey.patch_all()

# psycopg2 is a C extension that gevent cannot patch, so a wait callback makes it
# yield to other greenlets while it waits for PostgreSQL.
from app.gevent_psycopg import patch_psycopg  # noqa: E402

patch_psycopg()

from app import create_app  # noqa: E402

app = create_app()
