"""The migrations build the schema on an empty database and match the models."""

import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from app import create_app
from app.extensions import db
from config import database_url as sqlalchemy_url
from tests.conftest import create_database, drop_database, make_config

EXPECTED_TABLES = {
    "users",
    "api_tokens",
    "clients",
    "jobs",
    "candidates",
    "job_candidates",
    "activities",
    "job_pipeline_counts",
    "candidate_active_counts",
    "dashboard_counters",
    "application_days",
    "cache_generations",
    "alembic_version",
}


@pytest.fixture
def empty_database(admin_database_url):
    name = f"ats_migration_{secrets.token_hex(4)}"
    url = create_database(admin_database_url, name)
    app = create_app(make_config(url))
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_database(admin_database_url, name)


def test_migrations_upgrade_builds_every_table(empty_database):
    with empty_database.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())

    assert tables == EXPECTED_TABLES


def test_migrations_match_the_models(empty_database):
    with empty_database.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)

    assert differences == []


def test_migrations_downgrade_and_upgrade_again(empty_database):
    with empty_database.app_context():
        upgrade()
        downgrade(revision="base")
        emptied = set(inspect(db.engine).get_table_names())
        upgrade()
        rebuilt = set(inspect(db.engine).get_table_names())

    assert emptied == {"alembic_version"}
    assert rebuilt == EXPECTED_TABLES


def test_migrations_ignore_the_request_statement_timeout(admin_database_url):
    name = f"ats_migration_{secrets.token_hex(4)}"
    url = create_database(admin_database_url, name)
    # 1 ms cancels almost any DDL statement, as minutes-long ones would be in production.
    app = create_app(make_config(url, DB_STATEMENT_TIMEOUT_MS=1))

    try:
        with app.app_context():
            upgrade()
            db.engine.dispose()
        # Inspect with a plain engine: the app's pooled connections are back under 1 ms.
        engine = create_engine(sqlalchemy_url(url))
        tables = set(inspect(engine).get_table_names())
        engine.dispose()
    finally:
        drop_database(admin_database_url, name)

    assert tables == EXPECTED_TABLES


def test_activities_reject_update_and_delete(app):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO activities (action, entity_type, entity_id) "
                "VALUES ('created', 'client', gen_random_uuid())"
            )
        )
        db.session.commit()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("UPDATE activities SET action = 'updated'"))
        db.session.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("DELETE FROM activities"))
        db.session.rollback()


# Texts that exercise each branch of the search query functions: stop words,
# stems that differ from the word, short prefixes, quotes that unaccent makes,
# emails, operators and punctuation.
QUERY_FUNCTION_INPUTS = [
    "",
    "the",
    "Todd",
    "engineers",
    "running shoes",
    "e",
    "jo",
    "jav",
    "oʼbr",
    "o'brien",
    "ab''c",
    "josé",
    "j.doe@example.com",
    "c++",
    "a & b | !c",
    ":*",
    "\\",
    "😀",
    "x" * 200,
]
QUERY_FUNCTION_OUTPUTS = """
SELECT search_word_query(word, true)::text, search_word_query(word, false)::text,
       search_phrase_query(word)::text
FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS inputs (word, position)
ORDER BY position
"""


def query_function_outputs():
    rows = db.session.execute(db.text(QUERY_FUNCTION_OUTPUTS), {"words": QUERY_FUNCTION_INPUTS})
    outputs = [tuple(row) for row in rows]
    db.session.rollback()
    return outputs


def test_plpgsql_query_functions_match_sql_ones(empty_database):
    with empty_database.app_context():
        upgrade()
        plpgsql = query_function_outputs()
        downgrade(revision="0011_search_estimates")
        sql = query_function_outputs()

    assert plpgsql == sql
