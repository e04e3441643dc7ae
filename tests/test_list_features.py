"""List features: counts computed with the page, sorting, time windows."""

import datetime as dt

import pytest

from app.extensions import db
from app.models import Job


def test_jobs_list_counts_applications(client, auth, make_job, make_application):
    job = make_job()
    make_application(jobId=job["id"], stage="interview")
    make_application(jobId=job["id"], stage="hired")
    make_application(jobId=job["id"], stage="rejected", rejectionReason="No fit")
    make_job()

    data = client.get("/api/jobs", headers=auth).get_json()["data"]

    counts = {row["id"]: (row["candidateCount"], row["activeCount"]) for row in data}
    assert counts[job["id"]] == (3, 1)
    assert sorted(counts.values()) == [(0, 0), (3, 1)]


def test_jobs_detail_counts_applications(client, auth, make_job, make_application):
    job = make_job()
    make_application(jobId=job["id"], stage="applied")

    body = client.get(f"/api/jobs/{job['id']}", headers=auth).get_json()

    assert body["candidateCount"] == 1
    assert body["activeCount"] == 1


def test_jobs_write_responses_carry_counts(client, auth, make_job, make_application):
    job = make_job()
    make_application(jobId=job["id"])

    patched = client.patch(f"/api/jobs/{job['id']}", json={"title": "Renamed"}, headers=auth)

    assert job["candidateCount"] == 0
    assert patched.get_json()["candidateCount"] == 1


def test_clients_list_counts_jobs(client, auth, make_client_record, make_job):
    record = make_client_record()
    make_job(clientId=record["id"], status="open")
    make_job(clientId=record["id"], status="closed")

    data = client.get("/api/clients", headers=auth).get_json()["data"]

    assert (data[0]["jobCount"], data[0]["openJobCount"]) == (2, 1)


def test_clients_detail_counts_jobs(client, auth, make_client_record, make_job):
    record = make_client_record()
    make_job(clientId=record["id"], status="open")

    body = client.get(f"/api/clients/{record['id']}", headers=auth).get_json()

    assert body["jobCount"] == 1
    assert body["openJobCount"] == 1


def test_jobs_sort_by_status_follows_lifecycle(client, auth, make_job):
    for status in ("filled", "draft", "closed", "open", "on_hold"):
        make_job(status=status)

    data = client.get("/api/jobs?sortBy=status&sortOrder=asc", headers=auth).get_json()["data"]

    assert [row["status"] for row in data] == ["draft", "open", "on_hold", "closed", "filled"]


def test_applications_sort_by_stage_follows_pipeline(client, auth, make_job, make_application):
    job = make_job()
    for stage in ("offer", "sourced", "interview"):
        make_application(jobId=job["id"], stage=stage)

    response = client.get(
        f"/api/jobs/{job['id']}/candidates?sortBy=stage&sortOrder=asc", headers=auth
    )

    assert [row["stage"] for row in response.get_json()["data"]] == [
        "sourced",
        "interview",
        "offer",
    ]


def test_jobs_sort_by_title(client, auth, make_job):
    for title in ("Chef", "Analyst", "Baker"):
        make_job(title=title)

    data = client.get("/api/jobs?sortBy=title&sortOrder=asc", headers=auth).get_json()["data"]

    assert [row["title"] for row in data] == ["Analyst", "Baker", "Chef"]


def test_candidates_sort_by_last_name_descending(client, auth, make_candidate):
    for last_name in ("Avery", "Chen", "Bose"):
        make_candidate(lastName=last_name)

    data = client.get("/api/candidates?sortBy=lastName", headers=auth).get_json()["data"]

    assert [row["lastName"] for row in data] == ["Chen", "Bose", "Avery"]


@pytest.mark.parametrize(
    "path", ["/api/jobs?sortBy=salary", "/api/clients?sortBy=title", "/api/candidates?sortBy="]
)
def test_unknown_sort_key_is_400(client, auth, path):
    response = client.get(path, headers=auth)

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_sort"
    assert "sortBy" in error["fields"]


def test_unknown_sort_order_is_422(client, auth):
    response = client.get("/api/jobs?sortOrder=sideways", headers=auth)

    assert response.status_code == 422
    assert "sortOrder" in response.get_json()["error"]["fields"]


def test_cursor_of_other_sort_is_400(client, auth, make_job):
    for _ in range(3):
        make_job()
    cursor = client.get("/api/jobs?limit=1&sortBy=title", headers=auth).get_json()["nextCursor"]

    by_other_key = client.get(f"/api/jobs?limit=1&cursor={cursor}", headers=auth)
    by_other_order = client.get(
        f"/api/jobs?limit=1&sortBy=title&sortOrder=asc&cursor={cursor}", headers=auth
    )

    assert by_other_key.status_code == 400
    assert by_other_order.status_code == 400


def set_created_at(app, job_id, when):
    with app.app_context():
        db.session.get(Job, job_id).created_at = when
        db.session.commit()
        db.session.remove()


def test_jobs_filter_by_creation_window(app, client, auth, make_job):
    old, middle, new = make_job(), make_job(), make_job()
    base = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    for offset, job in enumerate((old, middle, new)):
        set_created_at(app, job["id"], base + dt.timedelta(days=offset))

    response = client.get(
        "/api/jobs",
        query_string={
            "createdAfter": "2025-06-01T12:00:00Z",
            "createdBefore": "2025-06-02T12:00:00",
        },
        headers=auth,
    )

    assert [row["id"] for row in response.get_json()["data"]] == [middle["id"]]


def test_updated_after_finds_recent_changes(client, auth, make_candidate):
    first = make_candidate()
    second = make_candidate()
    changed = client.patch(
        f"/api/candidates/{first['id']}", json={"currentTitle": "CTO"}, headers=auth
    ).get_json()

    response = client.get(
        "/api/candidates", query_string={"updatedAfter": second["updatedAt"]}, headers=auth
    )

    assert [row["id"] for row in response.get_json()["data"]] == [changed["id"]]


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "1e400", ""])
def test_invalid_time_filter_is_422(client, auth, value):
    response = client.get("/api/jobs", query_string={"createdAfter": value}, headers=auth)

    assert response.status_code == 422
    assert "createdAfter" in response.get_json()["error"]["fields"]
