"""A gunicorn app for tests: the real app with its dashboard sections slowed.

SLOW_SECTIONS (e.g. ``stats=0.6,recent_activity=0.6``) makes each named batch
section sleep that many seconds in PostgreSQL first, so a test can tell sections
that run at the same time from sections that run one after another. Every
response names the worker process that served it in ``X-Worker-Pid``.
"""

# ruff: noqa: I001 - wsgi must be imported first: it patches gevent and psycopg2.
import os

from wsgi import app

from sqlalchemy import text

from app.extensions import db
from app.services import dashboard_batch


def slowed(section, seconds):
    def run(scope, generation_map):
        db.session.execute(text("SELECT pg_sleep(:seconds)"), {"seconds": seconds})
        return section(scope, generation_map)

    return run


for item in filter(None, os.environ.get("SLOW_SECTIONS", "").split(",")):
    name, seconds = item.split("=")
    dashboard_batch.SECTIONS[name] = slowed(dashboard_batch.SECTIONS[name], float(seconds))


@app.after_request
def name_the_worker(response):
    response.headers["X-Worker-Pid"] = str(os.getpid())
    return response
