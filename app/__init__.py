"""Application factory."""

import logging
from pathlib import Path

from flask import Flask

from app.secret_key import configure_secret_key
from config import Config

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_class=Config):
    app = Flask(__name__)
    app.config.from_object(config_class())
    # Keep keys in schema order (id first) instead of alphabetical order.
    app.json.sort_keys = False
    configure_secret_key(app)
    logging.basicConfig(
        level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Alembic announces each of its plugins at INFO on every command.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from app import (
        models,  # noqa: F401 - registers the tables on the metadata
        rate_limits,
        security_headers,
    )
    from app.extensions import api, db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIRECTORY))
    api.init_app(app)
    rate_limits.init_app(app)
    security_headers.init_app(app)

    from app.api import register_blueprints

    register_blueprints(app, api)

    from app import errors
    from app.cli import register_commands

    errors.init_app(app)
    register_commands(app)
    return app
