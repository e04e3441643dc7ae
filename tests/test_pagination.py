"""Cursor pagination: every row once, in order, also across equal timestamps and inserts."""

import uuid

import pytest

from app.extensions import db
from app.models import Client


def insert_clients_in_one_transaction(app, count):
    """Insert clients in one transaction, so they all share created_at (now())."""
    with app.app_context():
        db.session.add_all(Client(name=f"Same Time {uuid.uuid4().hex}") for _ in range(count))
        db.session.commit()
        db.session.remove()


def walk(client, auth, path, limit):
    ids = []
    url = f"{path}?limit={limit}"
    pages = 0
    while url:
        response = client.get(url, headers=auth)
        assert response.status_code == 200
        body = response.get_json()
        ids.extend(row["id"] for row in body["data"])
        pages += 1
        url = f"{path}?limit={limit}&cursor={body['nextCursor']}" if body["hasNextPage"] else None
    return ids, pages


@pytest.mark.parametrize("limit", [1, 3, 7, 25, 100])
def test_pagination_walk_returns_each_row_once(app, client, auth, limit):
    insert_clients_in_one_transaction(app, 25)

    ids, _ = walk(client, auth, "/api/clients", limit)

    assert len(ids) == 25
    assert len(set(ids)) == 25


def test_pagination_walk_follows_sort_order(app, client, auth):
    insert_clients_in_one_transaction(app, 10)
    insert_clients_in_one_transaction(app, 10)

    ids, _ = walk(client, auth, "/api/clients", 3)

    full = client.get("/api/clients?limit=100", headers=auth).get_json()["data"]
    assert ids == [row["id"] for row in full]


def test_pagination_rows_inserted_meanwhile_do_not_shift_pages(app, client, auth):
    insert_clients_in_one_transaction(app, 10)
    first = client.get("/api/clients?limit=4", headers=auth).get_json()

    insert_clients_in_one_transaction(app, 5)
    second = client.get(
        f"/api/clients?limit=4&cursor={first['nextCursor']}", headers=auth
    ).get_json()

    first_ids = [row["id"] for row in first["data"]]
    second_ids = [row["id"] for row in second["data"]]
    assert not set(first_ids) & set(second_ids)


def test_pagination_link_header_points_to_next_page(app, client, auth):
    insert_clients_in_one_transaction(app, 3)

    response = client.get("/api/clients?limit=2", headers=auth)

    cursor = response.get_json()["nextCursor"]
    assert response.headers["Link"].startswith("</api/clients?")
    assert response.headers["Link"].endswith('; rel="next"')
    assert f"cursor={cursor}" in response.headers["Link"]


def test_pagination_last_page_has_no_link(app, client, auth):
    insert_clients_in_one_transaction(app, 2)

    response = client.get("/api/clients?limit=2", headers=auth)

    assert "Link" not in response.headers
    assert response.get_json()["nextCursor"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJ2IjoxfQ",
        "a" * 300,
        "%00",
        "' OR 1=1 --",
        "eyJ2IjoxLCJzIjoiY3JlYXRlZEF0In0.forged",
    ],
)
def test_pagination_bad_cursor_is_400(client, auth, cursor):
    response = client.get("/api/clients", query_string={"cursor": cursor}, headers=auth)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_cursor"


def test_pagination_tampered_cursor_is_400(app, client, auth):
    insert_clients_in_one_transaction(app, 3)
    cursor = client.get("/api/clients?limit=1", headers=auth).get_json()["nextCursor"]
    payload, _, signature = cursor.rpartition(".")
    tampered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature

    response = client.get("/api/clients", query_string={"cursor": tampered}, headers=auth)

    assert response.status_code == 400


def test_pagination_cursor_signed_by_another_key_is_400(app, client, auth, database_url):
    from app import create_app
    from tests.conftest import make_config

    insert_clients_in_one_transaction(app, 3)
    other_app = create_app(make_config(database_url, SECRET_KEY="another-key"))
    cursor = (
        other_app.test_client().get("/api/clients?limit=1", headers=auth).get_json()["nextCursor"]
    )

    response = client.get("/api/clients", query_string={"cursor": cursor}, headers=auth)

    assert response.status_code == 400


def test_pagination_cursor_with_other_filters_is_400(client, auth, make_job):
    for _ in range(3):
        make_job(status="closed")
    cursor = client.get("/api/jobs?limit=1&status=closed", headers=auth).get_json()["nextCursor"]

    response = client.get(
        "/api/jobs", query_string={"cursor": cursor, "status": "open"}, headers=auth
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_cursor"


def test_pagination_filter_order_does_not_matter(client, auth, make_job):
    for status in ("open", "draft", "open"):
        make_job(status=status)
    first = client.get("/api/jobs?limit=1&status=open&status=draft", headers=auth).get_json()

    response = client.get(
        f"/api/jobs?limit=1&status=draft&status=open&cursor={first['nextCursor']}", headers=auth
    )

    assert response.status_code == 200


def test_pagination_pipeline_cursor_fails_on_full_list(client, auth, make_job, make_application):
    job = make_job()
    for _ in range(3):
        make_application(jobId=job["id"])
    cursor = client.get(f"/api/jobs/{job['id']}/candidates?limit=1", headers=auth).get_json()[
        "nextCursor"
    ]

    response = client.get("/api/job-candidates", query_string={"cursor": cursor}, headers=auth)

    assert response.status_code == 400


def test_pagination_cursor_of_another_list_is_400(app, client, auth, make_job):
    for _ in range(3):
        make_job()
    cursor = client.get("/api/jobs?limit=1", headers=auth).get_json()["nextCursor"]

    response = client.get("/api/clients", query_string={"cursor": cursor, "limit": 1}, headers=auth)

    assert response.status_code == 400


@pytest.mark.parametrize("descending", [True, False])
def test_position_join_returns_the_same_page(app, make_job, descending):
    """The statement that empty pages fall back to gives what the one-column way gives."""
    from app.services import pagination
    from app.services.jobs import SORTING, _read_query

    for _ in range(4):
        make_job()
    sort_key = SORTING.key("createdAt", "desc" if descending else "asc")
    column_order = sort_key.column.desc() if descending else sort_key.column.asc()
    id_order = sort_key.id_column.desc() if descending else sort_key.id_column.asc()
    statement = _read_query().order_by(column_order, id_order).limit(3)
    with app.app_context():
        added = pagination._fetch_with_position(statement, sort_key)
        joined = pagination._fetch_joined_to_position(statement, sort_key)
        db.session.remove()

    assert joined == added
