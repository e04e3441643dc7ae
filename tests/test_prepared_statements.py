"""Prepared statements: EXECUTE with a generic plan, or the text where they cannot run."""

import pytest
from sqlalchemy import exc, text

from app import create_app
from app.extensions import db
from app.services import prepared
from app.services.autocommit import read_in_autocommit
from tests.conftest import make_config, statements_sent

NEXT_NUMBER = prepared.PreparedStatement(
    "SELECT CAST(:number AS integer) + 1 AS next, :label AS label", {"number": "integer"}
)


def run_next_number(autocommit=True):
    if autocommit:
        read_in_autocommit()
    rows = prepared.execute(NEXT_NUMBER, {"number": 41, "label": "x"})
    return [dict(row) for row in rows]


def plan_counts(statement):
    """Return the generic and custom plan counts of ``statement`` on this session."""
    return db.session.execute(
        text("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = :name"),
        {"name": statement.name},
    ).one()


def test_prepared_statement_returns_its_rows(app):
    with app.app_context():
        rows = run_next_number()
        db.session.remove()

    assert rows == [{"next": 42, "label": "x"}]


def test_prepared_statement_is_sent_as_execute(app):
    def run():
        with app.app_context():
            run_next_number()
            db.session.remove()

    assert statements_sent(app, run) == [NEXT_NUMBER.execute_sql]


def test_prepared_statement_uses_a_generic_plan(app):
    with app.app_context():
        run_next_number()
        run_next_number()
        plans = plan_counts(NEXT_NUMBER)
        db.session.remove()

    assert plans.generic_plans >= 2
    assert plans.custom_plans == 0


def test_deallocated_statement_is_prepared_again(app):
    with app.app_context():
        run_next_number()
        db.session.connection().exec_driver_sql("DEALLOCATE ALL")
        rows = run_next_number()
        db.session.remove()

    assert rows == [{"next": 42, "label": "x"}]


OTHER_NUMBER = prepared.PreparedStatement("SELECT CAST(:number AS integer) - 1 AS previous")


def test_retry_keeps_statements_prepared_since(app):
    with app.app_context():
        run_next_number()
        db.session.connection().exec_driver_sql("DEALLOCATE ALL")
        read_in_autocommit()
        prepared.execute(OTHER_NUMBER, {"number": 1})
        # The first statement is gone: it is prepared again, and the module must
        # still know that the other one exists on the server.
        run_next_number()
        rows = [dict(row) for row in prepared.execute(OTHER_NUMBER, {"number": 1})]
        db.session.remove()

    assert rows == [{"previous": 0}]


def test_discard_all_keeps_generic_plans(app):
    with app.app_context():
        run_next_number()
        db.session.connection().exec_driver_sql("DISCARD ALL")
        run_next_number()
        run_next_number()
        plans = plan_counts(NEXT_NUMBER)
        db.session.remove()

    assert plans.custom_plans == 0


def test_statement_in_a_transaction_is_sent_as_text(app):
    def run():
        with app.app_context():
            run_next_number(autocommit=False)
            db.session.rollback()
            db.session.remove()

    sent = statements_sent(app, run)

    assert [statement.split()[0] for statement in sent] == ["SELECT"]


def test_statements_off_are_sent_as_text(database_url, app):
    unprepared = create_app(make_config(database_url, DB_PREPARED_STATEMENTS=False))
    rows = []

    def run():
        with unprepared.app_context():
            rows.extend(run_next_number())
            db.session.remove()

    sent = statements_sent(unprepared, run)
    with unprepared.app_context():
        db.engine.dispose()

    assert rows == [{"next": 42, "label": "x"}]
    assert [statement.split()[0] for statement in sent] == ["SELECT"]


def test_changed_result_type_is_prepared_again(app):
    label = prepared.PreparedStatement("SELECT label FROM prepared_probe")
    with app.app_context():
        db.session.execute(text("CREATE TABLE prepared_probe (label varchar(10))"))
        db.session.execute(text("INSERT INTO prepared_probe VALUES ('first')"))
        db.session.commit()
        try:
            read_in_autocommit()
            prepared.execute(label, {})
            db.session.connection().exec_driver_sql(
                "ALTER TABLE prepared_probe ALTER COLUMN label TYPE varchar(20)"
            )
            rows = [dict(row) for row in prepared.execute(label, {})]
        finally:
            db.session.remove()
            db.session.execute(text("DROP TABLE prepared_probe"))
            db.session.commit()
            db.session.remove()

    assert rows == [{"label": "first"}]


def test_failed_prepare_raises_a_sqlalchemy_error(app):
    broken = prepared.PreparedStatement("SELECT 1 FROM no_such_table")
    with app.app_context():
        read_in_autocommit()
        try:
            with pytest.raises(exc.ProgrammingError):
                prepared.execute(broken, {})
        finally:
            db.session.remove()


def test_lost_connection_in_prepare_is_invalidated(app):
    lonely = prepared.PreparedStatement("SELECT 2 AS lonely")
    with app.app_context():
        read_in_autocommit()
        pid = db.session.connection().connection.dbapi_connection.get_backend_pid()
        with db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        try:
            with pytest.raises(exc.OperationalError) as raised:
                prepared.execute(lonely, {})
        finally:
            db.session.remove()

    assert raised.value.connection_invalidated
