"""A write that fails halfway, inside PostgreSQL, leaves no rows and no activity behind."""

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.models import Activity, Client
from tests.conftest import make_config

# The trigger fails the activity insert that follows the client insert in the
# same transaction, as a constraint added by a later migration or a full disk would.
FAILING_TRIGGERS = {
    "raises": "RAISE EXCEPTION 'activity insert failed on purpose';",
    "exceeds statement timeout": "PERFORM pg_sleep(5);",
}


@pytest.fixture
def failing_activity_insert(app):
    """Return a function that installs a trigger making every activity insert fail."""

    def install(body):
        with app.app_context():
            db.session.execute(
                text(
                    "CREATE FUNCTION fail_activity() RETURNS trigger LANGUAGE plpgsql "
                    f"AS $$ BEGIN {body} RETURN NEW; END $$"
                )
            )
            db.session.execute(
                text(
                    "CREATE TRIGGER fail_activity BEFORE INSERT ON activities "
                    "FOR EACH ROW EXECUTE FUNCTION fail_activity()"
                )
            )
            db.session.commit()

    yield install
    with app.app_context():
        db.session.remove()
        db.session.execute(text("DROP TRIGGER IF EXISTS fail_activity ON activities"))
        db.session.execute(text("DROP FUNCTION IF EXISTS fail_activity()"))
        db.session.commit()


def count_rows(application, model, **filters):
    with application.app_context():
        count = db.session.query(model).filter_by(**filters).count()
        db.session.remove()
    return count


@pytest.mark.parametrize(
    ("trigger", "status"),
    [("raises", 500), ("exceeds statement timeout", 503)],
)
def test_failed_write_leaves_no_rows(
    app, database_url, auth, failing_activity_insert, trigger, status
):
    failing_activity_insert(FAILING_TRIGGERS[trigger])
    client = create_app(make_config(database_url, DB_STATEMENT_TIMEOUT_MS=300)).test_client()

    response = client.post("/api/clients", json={"name": "Half Written Co"}, headers=auth)

    assert response.status_code == status
    assert "on purpose" not in response.get_data(as_text=True)
    assert count_rows(app, Client) == 0
    assert count_rows(app, Activity, entity_type="client") == 0


def test_write_after_failed_write_succeeds(app, database_url, auth, failing_activity_insert):
    failing_activity_insert(FAILING_TRIGGERS["raises"])
    client = app.test_client()
    client.post("/api/clients", json={"name": "Half Written Co"}, headers=auth)
    with app.app_context():
        db.session.remove()
        db.session.execute(text("DROP TRIGGER fail_activity ON activities"))
        db.session.commit()

    response = client.post("/api/clients", json={"name": "Whole Co"}, headers=auth)

    assert response.status_code == 201
    assert count_rows(app, Client) == 1
    assert count_rows(app, Activity, entity_type="client") == 1
