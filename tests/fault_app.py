"""The app as gunicorn serves it, plus routes that fault tests need.

`GET /test/sleep?seconds=N` holds a pooled connection in `pg_sleep` for N seconds.
A shutdown hook logs "Shutdown hook ran", so a test can see that SIGTERM ran it.
"""

import logging

from flask import request
from sqlalchemy import text

from app.extensions import db
from app.lifecycle import on_shutdown
from wsgi import app


@app.get("/test/sleep")
def sleep():
    seconds = float(request.args.get("seconds", "1"))
    db.session.execute(text("SELECT pg_sleep(:seconds)"), {"seconds": seconds})
    return {"slept": seconds}


@on_shutdown
def log_shutdown():
    logging.getLogger(__name__).info("Shutdown hook ran")
