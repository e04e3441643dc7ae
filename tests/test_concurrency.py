"""Concurrent writes: nothing lost, and the activity log matches what happened.

Each test holds a row lock from a separate connection, starts the request under
test in a thread so that it blocks on that lock, then releases the lock. This makes
the interleaving deterministic instead of hoping for a race.
"""

import threading
import time

import psycopg2
import pytest

from tests.conftest import _libpq_url


@pytest.fixture
def blocker(database_url):
    """A raw connection in an open transaction, for holding locks."""
    connection = psycopg2.connect(_libpq_url(database_url))
    yield connection
    connection.rollback()
    connection.close()


def wait_until_blocked(database_url, expected=1, timeout=10):
    """Wait until ``expected`` other sessions wait for a lock."""
    watcher = psycopg2.connect(_libpq_url(database_url))
    watcher.autocommit = True
    deadline = time.monotonic() + timeout
    try:
        with watcher.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0] >= expected:
                    return
                time.sleep(0.05)
    finally:
        watcher.close()
    pytest.fail("the request under test never waited for the lock")


def in_thread(function):
    """Start ``function`` in a thread; return a callable that joins it and returns its result."""
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", function()))
    thread.start()

    def join():
        thread.join(timeout=20)
        return result["value"]

    return join


def test_cascade_delete_spares_job_moved_meanwhile(
    app,
    client,
    auth,
    make_job,
    make_client_record,
    make_application,
    blocker,
    database_url,
    activities,
):
    moving = make_job()
    staying = make_job(clientId=moving["clientId"])
    moving_application = make_application(jobId=moving["id"])
    destination = make_client_record()
    with blocker.cursor() as cursor:
        cursor.execute(
            "UPDATE jobs SET client_id = %s WHERE id = %s", (destination["id"], moving["id"])
        )

    finish = in_thread(
        lambda: app.test_client().delete(
            f"/api/clients/{moving['clientId']}?cascade=true", headers=auth
        )
    )
    wait_until_blocked(database_url)
    blocker.commit()
    response = finish()

    deleted_ids = {row["entity_id"] for row in activities(action="deleted")}
    assert response.status_code == 204
    assert client.get(f"/api/jobs/{moving['id']}", headers=auth).status_code == 200
    assert (
        client.get(f"/api/job-candidates/{moving_application['id']}", headers=auth).status_code
        == 200
    )
    assert client.get(f"/api/jobs/{staying['id']}", headers=auth).status_code == 404
    assert moving["id"] not in deleted_ids
    assert moving_application["id"] not in deleted_ids
    assert staying["id"] in deleted_ids


def test_cascade_delete_logs_application_added_meanwhile(
    app, client, auth, make_job, make_candidate, blocker, database_url, activities
):
    job = make_job()
    candidate = make_candidate()
    with blocker.cursor() as cursor:
        cursor.execute(
            "INSERT INTO job_candidates (job_id, candidate_id, stage) VALUES (%s, %s, 'sourced') "
            "RETURNING id",
            (job["id"], candidate["id"]),
        )
        added_id = str(cursor.fetchone()[0])

    finish = in_thread(
        lambda: app.test_client().delete(
            f"/api/clients/{job['clientId']}?cascade=true", headers=auth
        )
    )
    wait_until_blocked(database_url)
    blocker.commit()
    response = finish()

    deleted_ids = {row["entity_id"] for row in activities(action="deleted")}
    assert response.status_code == 204
    assert client.get(f"/api/job-candidates/{added_id}", headers=auth).status_code == 404
    assert added_id in deleted_ids


def test_concurrent_stage_moves_chain_from_and_to(
    app, auth, make_application, blocker, database_url, activities
):
    application = make_application(stage="applied")
    with blocker.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM job_candidates WHERE id = %s FOR UPDATE", (application["id"],)
        )

    moves = [
        in_thread(
            lambda stage=stage: app.test_client().patch(
                f"/api/job-candidates/{application['id']}", json={"stage": stage}, headers=auth
            )
        )
        for stage in ("screening", "interview", "offer")
    ]
    wait_until_blocked(database_url, expected=3)
    blocker.commit()
    statuses = [finish().status_code for finish in moves]

    rows = activities(action="stage_changed")
    changes = [row["payload"] for row in rows]
    times = [row["created_at"] for row in rows]
    assert statuses == [200, 200, 200]
    assert changes[0]["from"] == "applied"
    for previous, current in zip(changes, changes[1:], strict=False):
        assert current["from"] == previous["to"]
    assert times == sorted(times)


def test_concurrent_duplicate_names_let_one_win(app, auth):
    barrier = threading.Barrier(6)

    def create():
        barrier.wait()
        return app.test_client().post("/api/clients", json={"name": "Race Co"}, headers=auth)

    finishes = [in_thread(create) for _ in range(6)]
    statuses = sorted(finish().status_code for finish in finishes)

    assert statuses == [201, 409, 409, 409, 409, 409]
