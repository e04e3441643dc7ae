"""Settings every pooled connection gets: timeouts, and SQL errors without parameter values."""

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, OperationalError

from app import create_app
from app.extensions import db
from tests.conftest import make_config


def show(application, setting):
    with application.app_context():
        value = db.session.execute(text(f"SHOW {setting}")).scalar_one()
        db.session.remove()
    return value


def test_connection_has_default_timeouts(app):
    assert show(app, "statement_timeout") == "5s"
    assert show(app, "idle_in_transaction_session_timeout") == "10s"
    assert show(app, "TimeZone") == "UTC"


def test_idle_transaction_is_closed_by_server(database_url):
    application = create_app(make_config(database_url, DB_IDLE_IN_TRANSACTION_TIMEOUT_MS=300))
    with application.app_context():
        engine = db.engine

    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        time.sleep(1.5)
        with pytest.raises(OperationalError):
            connection.execute(text("SELECT 1"))


def test_sql_errors_hide_parameter_values(app):
    secret = "parameter-value-never-shown"

    with app.app_context():
        with pytest.raises(DataError) as caught:
            db.session.execute(text("SELECT 1 / 0 WHERE :secret <> ''"), {"secret": secret})
        db.session.rollback()

    assert secret not in str(caught.value)
