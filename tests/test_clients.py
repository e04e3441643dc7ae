"""Clients: CRUD, validation, duplicates, deletion rules and activities."""

import pytest


def test_clients_create_returns_camel_case_record(client, auth):
    response = client.post(
        "/api/clients",
        json={"name": "Acme Corp", "industry": "Software", "website": "https://acme.example.com"},
        headers=auth,
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == "Acme Corp"
    assert body["website"] == "https://acme.example.com"
    assert body["createdAt"].endswith("Z")
    assert body["updatedAt"].endswith("Z")
    assert list(body)[0] == "id"


def test_clients_create_records_activity(client, auth, activities):
    record = client.post("/api/clients", json={"name": "Acme Corp"}, headers=auth).get_json()

    rows = activities(entity_type="client")

    assert len(rows) == 1
    assert rows[0]["action"] == "created"
    assert rows[0]["entity_id"] == record["id"]
    assert rows[0]["client_id"] == record["id"]
    assert rows[0]["actor_id"] is not None


def test_clients_get_returns_record(client, auth, make_client_record):
    record = make_client_record(name="Globex")

    response = client.get(f"/api/clients/{record['id']}", headers=auth)

    assert response.status_code == 200
    assert response.get_json() == record


def test_clients_list_returns_page_envelope(client, auth, make_client_record):
    make_client_record()
    make_client_record()

    response = client.get("/api/clients", headers=auth)

    assert response.status_code == 200
    body = response.get_json()
    assert len(body["data"]) == 2
    assert body["hasNextPage"] is False
    assert body["nextCursor"] is None


def test_clients_patch_changes_only_given_fields(client, auth, make_client_record):
    record = make_client_record(name="Initech", industry="Software")

    response = client.patch(
        f"/api/clients/{record['id']}", json={"industry": "Consulting"}, headers=auth
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["industry"] == "Consulting"
    assert body["name"] == "Initech"
    assert body["updatedAt"] >= record["updatedAt"]


def test_clients_patch_records_changed_fields(client, auth, make_client_record, activities):
    record = make_client_record()

    client.patch(
        f"/api/clients/{record['id']}", json={"industry": "Energy", "notes": "x"}, headers=auth
    )

    updated = activities(action="updated")
    assert len(updated) == 1
    assert updated[0]["payload"] == {"fields": ["industry", "notes"]}


def test_clients_patch_without_change_records_nothing(client, auth, make_client_record, activities):
    record = make_client_record(industry="Software")

    response = client.patch(
        f"/api/clients/{record['id']}", json={"industry": "Software"}, headers=auth
    )

    assert response.status_code == 200
    assert activities(action="updated") == []


def test_clients_patch_can_clear_optional_field(client, auth, make_client_record):
    record = make_client_record(industry="Software")

    response = client.patch(f"/api/clients/{record['id']}", json={"industry": None}, headers=auth)

    assert response.status_code == 200
    assert response.get_json()["industry"] is None


def test_clients_patch_null_name_is_422(client, auth, make_client_record):
    record = make_client_record()

    response = client.patch(f"/api/clients/{record['id']}", json={"name": None}, headers=auth)

    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]


def test_clients_duplicate_name_ignoring_case_is_409(client, auth, make_client_record):
    make_client_record(name="Umbrella Corp")

    response = client.post("/api/clients", json={"name": "  umbrella CORP "}, headers=auth)

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "duplicate"
    assert "name" in error["fields"]


def test_clients_rename_to_existing_name_is_409(client, auth, make_client_record):
    make_client_record(name="Hooli")
    other = make_client_record(name="Pied Piper")

    response = client.patch(f"/api/clients/{other['id']}", json={"name": "HOOLI"}, headers=auth)

    assert response.status_code == 409
    assert "name" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": 42}, "name"),
        ({"name": ["a"]}, "name"),
        ({"name": "a" * 201}, "name"),
        ({"name": "ok", "industry": "b" * 101}, "industry"),
        ({"name": "ok", "website": "not a url"}, "website"),
        ({"name": "ok", "website": "javascript:alert(1)"}, "website"),
        ({"name": "ok", "notes": "n" * 10001}, "notes"),
        ({"name": "nul\u0000byte"}, "name"),
        ({"name": "line\nbreak"}, "name"),
        ({"name": "ok", "id": "6f1c1c9e-2b1a-4a43-9a55-8d0e5b1f0e11"}, "id"),
        ({"name": "ok", "createdAt": "2020-01-01T00:00:00Z"}, "createdAt"),
        ({"name": "ok", "color": "red"}, "color"),
    ],
)
def test_clients_create_invalid_body_is_422_naming_field(client, auth, body, field):
    response = client.post("/api/clients", json=body, headers=auth)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"]


def test_clients_create_reports_every_bad_field(client, auth):
    response = client.post(
        "/api/clients", json={"name": "", "website": "nope", "extra": 1}, headers=auth
    )

    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"name", "website", "extra"}


def test_clients_notes_keep_line_breaks(client, auth):
    response = client.post(
        "/api/clients", json={"name": "Multi", "notes": "line one\nline two"}, headers=auth
    )

    assert response.status_code == 201
    assert response.get_json()["notes"] == "line one\nline two"


def test_clients_blank_website_is_stored_as_null(client, auth):
    response = client.post("/api/clients", json={"name": "Blank", "website": "  "}, headers=auth)

    assert response.status_code == 201
    assert response.get_json()["website"] is None


def test_clients_delete_without_jobs_is_204(client, auth, make_client_record, activities):
    record = make_client_record()

    response = client.delete(f"/api/clients/{record['id']}", headers=auth)

    assert response.status_code == 204
    assert client.get(f"/api/clients/{record['id']}", headers=auth).status_code == 404
    assert activities(action="deleted")[0]["entity_id"] == record["id"]


def test_clients_delete_with_jobs_is_409(client, auth, make_job):
    job = make_job()

    response = client.delete(f"/api/clients/{job['clientId']}", headers=auth)

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "has_dependents"
    assert client.get(f"/api/clients/{job['clientId']}", headers=auth).status_code == 200
    assert client.get(f"/api/jobs/{job['id']}", headers=auth).status_code == 200


def test_clients_delete_cascade_removes_jobs_and_applications(
    client, auth, make_job, make_application
):
    job = make_job()
    application = make_application(jobId=job["id"])

    response = client.delete(f"/api/clients/{job['clientId']}?cascade=true", headers=auth)

    assert response.status_code == 204
    assert client.get(f"/api/jobs/{job['id']}", headers=auth).status_code == 404
    assert client.get(f"/api/job-candidates/{application['id']}", headers=auth).status_code == 404
    assert (
        client.get(f"/api/candidates/{application['candidateId']}", headers=auth).status_code == 200
    )


def test_clients_delete_cascade_records_each_deleted_row(
    client, auth, make_job, make_application, activities
):
    job = make_job()
    application = make_application(jobId=job["id"])

    client.delete(f"/api/clients/{job['clientId']}?cascade=true", headers=auth)

    deleted = {(row["entity_type"], row["entity_id"]) for row in activities(action="deleted")}
    assert ("job_candidate", application["id"]) in deleted
    assert ("job", job["id"]) in deleted
    assert ("client", job["clientId"]) in deleted


def test_clients_delete_unknown_is_404(client, auth):
    response = client.delete("/api/clients/6f1c1c9e-2b1a-4a43-9a55-8d0e5b1f0e11", headers=auth)

    assert response.status_code == 404
