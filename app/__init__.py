"""Application factory."""

import logging
from pathlib import Path

from flask import Flask

from app.body_tracking import CloseAfterUnreadBody
from app.database_uuids import read_uuids_as_text
from app.json_provider import FastJSONProvider
from app.pool_ping import ping_after_idle
from app.secret_key import configure_secret_key
from config import Config

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_class=Config):
    app = Flask(__name__)
    app.config.from_object(config_class())
    app.json = FastJSONProvider(app)
    # Keep keys in schema order (id first) instead of alphabetical order.
    app.json.sort_keys = False
    configure_secret_key(app)
    # Alembic announces each of its plugins at INFO whenever it is imported.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from app import (
        models,  # noqa: F401 - registers the tables on the metadata
        observability,
        rate_limits,
        security_headers,
    )
    from app.extensions import api, cache, db, migrate, sock
    from app.services import autocommit

    db.init_app(app)
    with app.app_context():
        ping_after_idle(db.engine, app.config["DB_PING_AFTER_IDLE_S"])
        autocommit.reset_on_checkin(db.engine)
        read_uuids_as_text(db.engine)
    autocommit.switch_on_begin(db.session)
    cache.init_app(app)
    observability.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIRECTORY))
    api.init_app(app)
    sock.init_app(app)
    rate_limits.init_app(app)
    security_headers.init_app(app)

    from app import realtime
    from app.api import register_blueprints

    register_blueprints(app, api)
    realtime.init_app(app, sock)

    from app import errors
    from app.cli import register_commands

    errors.init_app(app)
    register_commands(app)
    # Outermost, so that it receives gunicorn's own start_response.
    app.wsgi_app = CloseAfterUnreadBody(app.wsgi_app)
    return app
