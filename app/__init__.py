"""Application factory."""

import logging
from pathlib import Path

from flask import Flask

from config import Config

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_class=Config):
    app = Flask(__name__)
    app.config.from_object(config_class())
    # Keep keys in schema order (id first) instead of alphabetical order.
    app.json.sort_keys = False
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set it to a long random value, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    # Alembic announces each of its plugins at INFO whenever it is imported.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from app import (
        models,  # noqa: F401 - registers the tables on the metadata
        observability,
    )
    from app.extensions import api, cache, db, migrate, sock

    db.init_app(app)
    cache.init_app(app)
    observability.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIRECTORY))
    api.init_app(app)
    sock.init_app(app)

    from app import realtime
    from app.api import register_blueprints

    register_blueprints(app, api)
    realtime.init_app(app, sock)

    from app import errors
    from app.cli import register_commands

    errors.init_app(app)
    register_commands(app)
    return app
