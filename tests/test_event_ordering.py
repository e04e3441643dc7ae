"""Activity ids grow in commit order, and NOTIFY goes out only for committed activities."""

import select
import uuid

import psycopg2
import pytest

from tests.conftest import _libpq_url

INSERT_ACTIVITY = (
    "INSERT INTO activities (action, entity_type, entity_id) "
    "VALUES ('created', 'client', %s) RETURNING id"
)


@pytest.fixture
def connect(app, database_url):
    """Return a function that opens a psycopg2 connection to the test database."""
    opened = []

    def open_connection(autocommit=False):
        connection = psycopg2.connect(_libpq_url(database_url))
        connection.autocommit = autocommit
        opened.append(connection)
        return connection

    yield open_connection
    for connection in opened:
        connection.close()


def insert_activity(connection, entity_id=None):
    with connection.cursor() as cursor:
        cursor.execute(INSERT_ACTIVITY, (str(entity_id or uuid.uuid4()),))
        return cursor.fetchone()[0]


def committed_id(connection, entity_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM activities WHERE entity_id = %s", (str(entity_id),))
        return cursor.fetchone()[0]


def notifications(connection, timeout=1.0):
    """Return the payloads of the activities NOTIFYs that arrive within ``timeout``."""
    if select.select([connection], [], [], timeout)[0]:
        connection.poll()
    payloads = [notify.payload for notify in connection.notifies if notify.channel == "activities"]
    connection.notifies.clear()
    return payloads


def test_activity_id_is_provisional_until_commit(connect):
    writer = connect()

    provisional = insert_activity(writer)

    assert provisional < 0


def test_activity_ids_follow_commit_order_not_insert_order(connect):
    """The race: the first insert commits last, so its id must be the larger one."""
    first, second = connect(), connect()
    first_entity, second_entity = uuid.uuid4(), uuid.uuid4()
    insert_activity(first, first_entity)
    insert_activity(second, second_entity)

    second.commit()
    first.commit()

    reader = connect(autocommit=True)
    assert committed_id(reader, second_entity) < committed_id(reader, first_entity)


def test_reader_never_sees_a_smaller_id_appear_later(connect):
    first, second = connect(), connect()
    reader = connect(autocommit=True)
    insert_activity(first)
    insert_activity(second)
    second.commit()
    with reader.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM activities")
        seen = cursor.fetchone()[0]

    first.commit()

    with reader.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM activities WHERE id < %s", (seen,))
        appeared_below = cursor.fetchone()[0]
    assert appeared_below == 0


def listen(connect):
    """Return an autocommit connection that LISTENs on the activities channel."""
    listener = connect(autocommit=True)
    with listener.cursor() as cursor:
        cursor.execute("LISTEN activities")
    return listener


def test_commit_notifies_the_final_id(connect):
    listener = listen(connect)
    writer = connect()
    entity_id = uuid.uuid4()
    insert_activity(writer, entity_id)

    before_commit = notifications(listener, timeout=0.2)
    writer.commit()
    after_commit = notifications(listener)

    assert before_commit == []
    assert after_commit == [str(committed_id(listener, entity_id))]


def test_rollback_notifies_nothing_and_keeps_no_row(connect):
    listener = listen(connect)
    writer = connect()
    entity_id = uuid.uuid4()
    insert_activity(writer, entity_id)

    writer.rollback()

    assert notifications(listener, timeout=0.5) == []
    with listener.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM activities WHERE entity_id = %s", (str(entity_id),))
        assert cursor.fetchone()[0] == 0


def test_activities_stay_append_only(connect):
    writer = connect()
    insert_activity(writer)
    writer.commit()

    with pytest.raises(psycopg2.errors.RestrictViolation), writer.cursor() as cursor:
        cursor.execute("UPDATE activities SET action = 'deleted'")


def test_committed_activity_id_cannot_be_renumbered(connect):
    writer = connect()
    insert_activity(writer)
    writer.commit()

    with pytest.raises(psycopg2.errors.RestrictViolation), writer.cursor() as cursor:
        cursor.execute("UPDATE activities SET id = id + 1000")


def test_list_response_carries_event_position(client, auth, make_client_record, activities):
    make_client_record()
    make_client_record()

    response = client.get("/api/clients", headers=auth)

    # Ids start at 1 in each test and have no gaps here, so the newest id is the count.
    assert response.status_code == 200
    assert response.headers["X-Event-Position"] == str(len(activities()))


def test_pipeline_response_carries_event_position(client, auth, make_application, activities):
    application = make_application()

    response = client.get(f"/api/jobs/{application['jobId']}/candidates", headers=auth)

    assert response.status_code == 200
    assert response.headers["X-Event-Position"] == str(len(activities()))


def test_empty_page_carries_event_position(client, auth, make_client_record, activities):
    record = make_client_record()

    response = client.get(f"/api/jobs?clientId={record['id']}", headers=auth)

    assert response.get_json()["data"] == []
    assert response.headers["X-Event-Position"] == str(len(activities()))
