"""Every error has the one JSON shape, and bad input never causes a 500."""

import pytest
from flask import abort

from app import create_app
from tests.conftest import make_config


def assert_error_shape(response, status, code):
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)


def test_unknown_route_is_404_in_error_shape(client):
    response = client.get("/api/nothing-here")

    assert_error_shape(response, 404, "not_found")


def test_wrong_method_is_405_in_error_shape(client, auth):
    response = client.put("/api/clients", json={}, headers=auth)

    assert_error_shape(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_400(client, auth):
    response = client.post(
        "/api/clients", data="{not json", headers={**auth, "Content-Type": "application/json"}
    )

    assert_error_shape(response, 400, "malformed_json")


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data"]
)
def test_non_json_body_is_415(client, auth, content_type):
    response = client.post(
        "/api/clients", data="name=Acme", headers={**auth, "Content-Type": content_type}
    )

    assert_error_shape(response, 415, "unsupported_media_type")


def test_non_json_patch_changes_nothing(client, auth, make_client_record):
    record = make_client_record(industry="Software")

    response = client.patch(
        f"/api/clients/{record['id']}",
        data="industry=Energy",
        headers={**auth, "Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 415
    assert (
        client.get(f"/api/clients/{record['id']}", headers=auth).get_json()["industry"]
        == "Software"
    )


@pytest.mark.parametrize(
    "body",
    [
        '{"name": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"name": ' + "9" * 5000 + "}",
    ],
    ids=["deep nesting", "huge integer"],
)
def test_json_beyond_decoder_limits_is_400(client, auth, body):
    response = client.post(
        "/api/clients", data=body, headers={**auth, "Content-Type": "application/json"}
    )

    assert_error_shape(response, 400, "malformed_json")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/auth/login", '{"email": "\\ud800@x.io", "password": "long-enough-pw"}'),
        ("/api/auth/login", '{"email": "a@x.io", "password": "\\udfff"}'),
        ("/api/clients", '{"name": "Bad \\ud83d Co"}'),
        ("/api/candidates", '{"firstName": "A", "lastName": "\\ud800"}'),
    ],
)
def test_unpaired_surrogate_is_422(client, auth, path, body):
    response = client.post(path, data=body, headers={**auth, "Content-Type": "application/json"})

    assert_error_shape(response, 422, "validation_failed")


@pytest.mark.parametrize(
    "query",
    ["limit=5&limit=7", "source=linkedin&source=referral", "skill=a&skill=b", "cursor=a&cursor=b"],
)
def test_repeated_single_value_parameter_is_422(client, auth, query):
    response = client.get(f"/api/candidates?{query}", headers=auth)

    assert_error_shape(response, 422, "validation_failed")
    assert query.split("=")[0] in response.get_json()["error"]["fields"]


def test_repeated_cascade_flag_is_422_and_deletes_nothing(client, auth, make_job):
    job = make_job()

    response = client.delete(f"/api/clients/{job['clientId']}?cascade=1&cascade=0", headers=auth)

    assert_error_shape(response, 422, "validation_failed")
    assert client.get(f"/api/jobs/{job['id']}", headers=auth).status_code == 200


def test_query_on_create_is_422_and_creates_nothing(client, auth):
    response = client.post("/api/clients?dryRun=true", json={"name": "Dry Run"}, headers=auth)

    assert_error_shape(response, 422, "validation_failed")
    assert "dryRun" in response.get_json()["error"]["fields"]
    assert client.get("/api/clients", headers=auth).get_json()["data"] == []


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_query_on_single_resource_is_422(client, auth, make_application, method):
    application = make_application()
    path = f"/api/job-candidates/{application['id']}?cascade=true"

    response = getattr(client, method)(path, json={} if method == "patch" else None, headers=auth)

    assert_error_shape(response, 422, "validation_failed")
    assert client.get(f"/api/job-candidates/{application['id']}", headers=auth).status_code == 200


def test_payload_too_large_names_the_limit(client, auth):
    response = client.post(
        "/api/clients",
        data='{"name": "' + "a" * (2 * 1024 * 1024) + '"}',
        headers={**auth, "Content-Type": "application/json"},
    )

    assert "1048576 bytes" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("name", ["a\u0085b", "a\u2028b", "a\u009bb", "a\u007fb"])
def test_control_characters_in_single_line_text_are_422(client, auth, name):
    response = client.post("/api/clients", json={"name": name}, headers=auth)

    assert_error_shape(response, 422, "validation_failed")


def test_text_is_stored_in_nfc(client, auth):
    response = client.post("/api/clients", json={"name": "Cafe\u0301 Co"}, headers=auth)

    assert response.get_json()["name"] == "Caf\u00e9 Co"


def test_json_array_body_is_422(client, auth):
    response = client.post("/api/clients", json=["a", "b"], headers=auth)

    assert_error_shape(response, 422, "validation_failed")


def test_body_over_size_limit_is_413(client, auth):
    response = client.post(
        "/api/clients",
        data='{"name": "' + "a" * (2 * 1024 * 1024) + '"}',
        headers={**auth, "Content-Type": "application/json"},
    )

    assert_error_shape(response, 413, "payload_too_large")


def test_unknown_query_parameter_is_422(client, auth):
    response = client.get("/api/jobs?statuss=open", headers=auth)

    assert_error_shape(response, 422, "validation_failed")
    assert "statuss" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/api/clients?limit=1", "/api/jobs?status=open"])
def test_head_on_list_accepts_the_get_query(client, auth, path):
    response = client.head(path, headers=auth)

    assert response.status_code == 200


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "99999999999999999999999", "1.5"])
def test_limit_out_of_range_is_422(client, auth, limit):
    response = client.get(f"/api/clients?limit={limit}", headers=auth)

    assert_error_shape(response, 422, "validation_failed")
    assert "limit" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/clients/not-a-uuid",
        "/api/jobs/123",
        "/api/candidates/' OR 1=1 --",
        "/api/job-candidates/00000000-0000-0000-0000",
        "/api/jobs/not-a-uuid/candidates",
    ],
)
def test_malformed_id_is_404(client, auth, path):
    response = client.get(path, headers=auth)

    assert_error_shape(response, 404, "not_found")


@pytest.mark.parametrize("resource", ["clients", "jobs", "candidates", "job-candidates"])
def test_unknown_id_is_404(client, auth, resource):
    response = client.get(f"/api/{resource}/6f1c1c9e-2b1a-4a43-9a55-8d0e5b1f0e11", headers=auth)

    assert_error_shape(response, 404, "not_found")


def test_unexpected_exception_is_500_without_details(database_url):
    app = create_app(make_config(database_url))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")

    assert_error_shape(response, 500, "internal_error")
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_abort_with_plain_http_error_uses_error_shape(database_url):
    app = create_app(make_config(database_url))

    @app.get("/teapot")
    def teapot():
        abort(409)

    response = app.test_client().get("/teapot")

    assert_error_shape(response, 409, "conflict")


def test_database_unreachable_is_503(admin_database_url):
    unreachable = "postgresql://postgres@127.0.0.1:1/none"
    app = create_app(make_config(unreachable))
    client = app.test_client()

    response = client.get("/api/clients", headers={"Authorization": "Bearer ats_x"})

    assert_error_shape(response, 503, "service_unavailable")
    assert response.headers["Retry-After"] == "2"
