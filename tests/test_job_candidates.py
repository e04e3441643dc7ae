"""Applications: adding candidates to jobs and moving them through stages."""

import pytest

UNKNOWN_ID = "6f1c1c9e-2b1a-4a43-9a55-8d0e5b1f0e11"


def test_applications_create_defaults_to_sourced(client, auth, make_job, make_candidate):
    job = make_job()
    candidate = make_candidate()

    response = client.post(
        "/api/job-candidates",
        json={"jobId": job["id"], "candidateId": candidate["id"]},
        headers=auth,
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["stage"] == "sourced"
    assert body["rejectionReason"] is None
    assert body["stageChangedAt"].endswith("Z")
    assert body["job"]["id"] == job["id"]
    assert body["candidate"]["id"] == candidate["id"]


def test_applications_create_records_activity_with_all_ids(
    client, auth, make_application, activities
):
    application = make_application()

    row = activities(entity_type="job_candidate")[0]

    assert row["action"] == "created"
    assert row["job_id"] == application["jobId"]
    assert row["candidate_id"] == application["candidateId"]
    assert row["client_id"] == application["job"]["clientId"]
    assert row["payload"] == {"stage": "sourced"}


def test_applications_same_pair_twice_is_409(client, auth, make_application):
    application = make_application()

    response = client.post(
        "/api/job-candidates",
        json={"jobId": application["jobId"], "candidateId": application["candidateId"]},
        headers=auth,
    )

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "duplicate"
    assert "candidateId" in error["fields"]


@pytest.mark.parametrize("field", ["jobId", "candidateId"])
def test_applications_unknown_reference_is_422(client, auth, make_job, make_candidate, field):
    body = {"jobId": make_job()["id"], "candidateId": make_candidate()["id"], field: UNKNOWN_ID}

    response = client.post("/api/job-candidates", json=body, headers=auth)

    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("status", ["closed", "filled"])
def test_applications_on_ended_job_are_409(client, auth, make_job, make_candidate, status):
    job = make_job(status=status)

    response = client.post(
        "/api/job-candidates",
        json={"jobId": job["id"], "candidateId": make_candidate()["id"]},
        headers=auth,
    )

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "job_not_accepting"


def test_applications_stage_change_records_from_and_to(client, auth, make_application, activities):
    application = make_application(stage="applied")

    response = client.patch(
        f"/api/job-candidates/{application['id']}", json={"stage": "interview"}, headers=auth
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["stage"] == "interview"
    assert body["stageChangedAt"] > application["stageChangedAt"]
    change = activities(action="stage_changed")[0]
    assert change["payload"] == {"from": "applied", "to": "interview"}
    assert change["client_id"] == application["job"]["clientId"]


def test_applications_same_stage_records_nothing(client, auth, make_application, activities):
    application = make_application(stage="applied")

    client.patch(
        f"/api/job-candidates/{application['id']}", json={"stage": "applied"}, headers=auth
    )

    assert activities(action="stage_changed") == []


def test_applications_reject_requires_reason(client, auth, make_application):
    application = make_application()

    response = client.patch(
        f"/api/job-candidates/{application['id']}", json={"stage": "rejected"}, headers=auth
    )

    assert response.status_code == 422
    assert "rejectionReason" in response.get_json()["error"]["fields"]


def test_applications_reject_with_reason(client, auth, make_application):
    application = make_application()

    response = client.patch(
        f"/api/job-candidates/{application['id']}",
        json={"stage": "rejected", "rejectionReason": "Salary expectations"},
        headers=auth,
    )

    assert response.status_code == 200
    assert response.get_json()["rejectionReason"] == "Salary expectations"


def test_applications_reason_without_rejection_is_422(client, auth, make_application):
    application = make_application()

    response = client.patch(
        f"/api/job-candidates/{application['id']}",
        json={"rejectionReason": "Not a fit"},
        headers=auth,
    )

    assert response.status_code == 422


def test_applications_leaving_rejected_clears_reason(client, auth, make_application):
    application = make_application(stage="rejected", rejectionReason="Withdrew")

    response = client.patch(
        f"/api/job-candidates/{application['id']}", json={"stage": "screening"}, headers=auth
    )

    assert response.status_code == 200
    assert response.get_json()["rejectionReason"] is None


def test_applications_reason_change_while_rejected_is_update(
    client, auth, make_application, activities
):
    application = make_application(stage="rejected", rejectionReason="Withdrew")

    response = client.patch(
        f"/api/job-candidates/{application['id']}",
        json={"rejectionReason": "Accepted another offer"},
        headers=auth,
    )

    assert response.status_code == 200
    assert activities(action="updated")[0]["payload"] == {"fields": ["rejectionReason"]}


@pytest.mark.parametrize(
    "body",
    [
        {"stage": "promoted"},
        {"stage": None},
        {"stage": 3},
        {"jobId": UNKNOWN_ID},
        {"candidateId": UNKNOWN_ID},
        {"rejectionReason": "r" * 501},
    ],
)
def test_applications_patch_invalid_body_is_422(client, auth, make_application, body):
    application = make_application()

    response = client.patch(f"/api/job-candidates/{application['id']}", json=body, headers=auth)

    assert response.status_code == 422


def test_applications_list_filters(client, auth, make_job, make_candidate, make_application):
    job = make_job()
    candidate = make_candidate()
    target = make_application(jobId=job["id"], candidateId=candidate["id"], stage="offer")
    make_application(jobId=job["id"], stage="offer")
    make_application(candidateId=candidate["id"], stage="applied")

    response = client.get(
        f"/api/job-candidates?jobId={job['id']}&candidateId={candidate['id']}&stage=offer",
        headers=auth,
    )

    assert [row["id"] for row in response.get_json()["data"]] == [target["id"]]


def test_applications_delete_records_activity(client, auth, make_application, activities):
    application = make_application()

    response = client.delete(f"/api/job-candidates/{application['id']}", headers=auth)

    assert response.status_code == 204
    assert activities(action="deleted")[0]["entity_id"] == application["id"]
