"""Jobs: CRUD with embedded client and owner, references, filters, pipeline, deletion."""

import pytest

UNKNOWN_ID = "6f1c1c9e-2b1a-4a43-9a55-8d0e5b1f0e11"


def test_jobs_create_defaults_and_embeds_relations(client, auth, make_client_record):
    client_record = make_client_record(name="Acme")

    response = client.post(
        "/api/jobs", json={"clientId": client_record["id"], "title": "Data Engineer"}, headers=auth
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "open"
    assert body["employmentType"] == "full_time"
    assert body["openings"] == 1
    assert body["client"] == {"id": client_record["id"], "name": "Acme"}
    assert body["owner"]["id"] == body["ownerId"]


def test_jobs_create_records_activity_with_client(client, auth, make_job, activities):
    job = make_job()

    rows = activities(entity_type="job")

    assert rows[0]["action"] == "created"
    assert rows[0]["job_id"] == job["id"]
    assert rows[0]["client_id"] == job["clientId"]


def test_jobs_create_unknown_client_is_422(client, auth):
    response = client.post("/api/jobs", json={"clientId": UNKNOWN_ID, "title": "X"}, headers=auth)

    assert response.status_code == 422
    assert "clientId" in response.get_json()["error"]["fields"]


def test_jobs_create_unknown_owner_is_422(client, auth, make_client_record):
    client_id = make_client_record()["id"]

    response = client.post(
        "/api/jobs", json={"clientId": client_id, "title": "X", "ownerId": UNKNOWN_ID}, headers=auth
    )

    assert response.status_code == 422
    assert "ownerId" in response.get_json()["error"]["fields"]


def test_jobs_create_viewer_owner_is_422(client, auth, make_client_record, make_user):
    viewer, _ = make_user("viewer")
    client_id = make_client_record()["id"]

    response = client.post(
        "/api/jobs",
        json={"clientId": client_id, "title": "X", "ownerId": str(viewer.id)},
        headers=auth,
    )

    assert response.status_code == 422
    assert "ownerId" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"status": "archived"}, "status"),
        ({"employmentType": "gig"}, "employmentType"),
        ({"openings": 0}, "openings"),
        ({"openings": "3"}, "openings"),
        ({"openings": 10**12}, "openings"),
        ({"openings": 1.5}, "openings"),
        ({"title": "t" * 201}, "title"),
        ({"description": "d" * 20001}, "description"),
        ({"clientId": "not-a-uuid"}, "clientId"),
        ({"clientId": 12}, "clientId"),
        ({"client": {"name": "x"}}, "client"),
    ],
)
def test_jobs_create_invalid_body_is_422(client, auth, make_client_record, overrides, field):
    body = {"clientId": make_client_record()["id"], "title": "Engineer", **overrides}

    response = client.post("/api/jobs", json=body, headers=auth)

    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_jobs_patch_status_records_transition(client, auth, make_job, activities):
    job = make_job()

    response = client.patch(f"/api/jobs/{job['id']}", json={"status": "on_hold"}, headers=auth)

    assert response.status_code == 200
    assert response.get_json()["status"] == "on_hold"
    payload = activities(action="updated")[0]["payload"]
    assert payload["status"] == {"from": "open", "to": "on_hold"}
    assert payload["fields"] == ["status"]


def test_jobs_patch_moves_job_to_other_client(client, auth, make_job, make_client_record):
    job = make_job()
    other = make_client_record(name="Other Co")

    response = client.patch(f"/api/jobs/{job['id']}", json={"clientId": other["id"]}, headers=auth)

    assert response.status_code == 200
    assert response.get_json()["client"] == {"id": other["id"], "name": "Other Co"}


def test_jobs_patch_does_not_reset_defaults(client, auth, make_job):
    job = make_job(status="draft", openings=3, employmentType="contract")

    response = client.patch(f"/api/jobs/{job['id']}", json={"title": "Renamed"}, headers=auth)

    body = response.get_json()
    assert body["status"] == "draft"
    assert body["openings"] == 3
    assert body["employmentType"] == "contract"


def test_jobs_list_filters_by_status(client, auth, make_job):
    make_job(status="open")
    draft = make_job(status="draft")
    closed = make_job(status="closed")

    response = client.get("/api/jobs?status=draft&status=closed", headers=auth)

    ids = {job["id"] for job in response.get_json()["data"]}
    assert ids == {draft["id"], closed["id"]}


def test_jobs_list_filters_by_client_and_owner(client, auth, make_job, make_user):
    owner, _ = make_user("recruiter")
    mine = make_job(ownerId=str(owner.id))
    make_job()

    by_owner = client.get(f"/api/jobs?ownerId={owner.id}", headers=auth).get_json()["data"]
    by_client = client.get(f"/api/jobs?clientId={mine['clientId']}", headers=auth).get_json()[
        "data"
    ]

    assert [job["id"] for job in by_owner] == [mine["id"]]
    assert [job["id"] for job in by_client] == [mine["id"]]


def test_jobs_list_unknown_status_filter_is_422(client, auth):
    response = client.get("/api/jobs?status=archived", headers=auth)

    assert response.status_code == 422


def test_jobs_pipeline_embeds_candidates(client, auth, make_job, make_application):
    job = make_job()
    application = make_application(jobId=job["id"])
    make_application()

    response = client.get(f"/api/jobs/{job['id']}/candidates", headers=auth)

    assert response.status_code == 200
    data = response.get_json()["data"]
    assert [row["id"] for row in data] == [application["id"]]
    assert data[0]["candidate"]["id"] == application["candidateId"]
    assert data[0]["candidate"]["firstName"] == "Ada"


def test_jobs_pipeline_filters_by_stage(client, auth, make_job, make_application):
    job = make_job()
    make_application(jobId=job["id"], stage="sourced")
    interview = make_application(jobId=job["id"], stage="interview")

    response = client.get(f"/api/jobs/{job['id']}/candidates?stage=interview", headers=auth)

    assert [row["id"] for row in response.get_json()["data"]] == [interview["id"]]


def test_jobs_pipeline_of_unknown_job_is_404(client, auth):
    response = client.get(f"/api/jobs/{UNKNOWN_ID}/candidates", headers=auth)

    assert response.status_code == 404


def test_jobs_delete_with_applications_is_409(client, auth, make_application):
    application = make_application()

    response = client.delete(f"/api/jobs/{application['jobId']}", headers=auth)

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "has_dependents"


def test_jobs_delete_cascade_removes_applications(client, auth, make_application, activities):
    application = make_application()

    response = client.delete(f"/api/jobs/{application['jobId']}?cascade=true", headers=auth)

    assert response.status_code == 204
    assert client.get(f"/api/job-candidates/{application['id']}", headers=auth).status_code == 404
    deleted_types = sorted(row["entity_type"] for row in activities(action="deleted"))
    assert deleted_types == ["job", "job_candidate"]


def test_jobs_delete_cascade_flag_must_be_boolean(client, auth, make_job):
    job = make_job()

    response = client.delete(f"/api/jobs/{job['id']}?cascade=maybe", headers=auth)

    assert response.status_code == 422
