"""Limits on input: every string bounded, and each bound enforced with a clear 4xx."""

import pytest

from tests.openapi_walk import body_fields, fill_path, is_bounded_string, query_parameters

STRING_BODY_FIELDS = [
    (method, path, name, field)
    for method, path, name, field in body_fields()
    if field.get("type") == "string"
]
LONG_BODY_FIELDS = [row for row in STRING_BODY_FIELDS if "maxLength" in row[3]]
LONG_QUERY_PARAMETERS = [
    row for row in query_parameters() if row[3].get("type") == "string" and "maxLength" in row[3]
]


def label(row):
    return f"{row[0]} {row[1]} {row[2]}"


@pytest.fixture
def admin_auth(make_user):
    """Headers of an admin, who passes every role check."""
    return make_user("admin")[1]


def test_limits_every_string_field_has_max_length():
    unbounded = [label(row) for row in STRING_BODY_FIELDS if not is_bounded_string(row[3])]
    unbounded += [
        label(row)
        for row in query_parameters()
        if row[3].get("type") == "string" and not is_bounded_string(row[3])
    ]

    assert not unbounded, f"String fields without maxLength, enum or format: {unbounded}"


def test_limits_every_array_field_has_max_items():
    arrays = [row for row in body_fields() if row[3].get("type") == "array"]
    arrays += [row for row in query_parameters() if row[3].get("type") == "array"]

    unbounded = [label(row) for row in arrays if "maxItems" not in row[3]]

    assert arrays
    assert not unbounded, f"Array fields without maxItems: {unbounded}"


@pytest.mark.parametrize("row", LONG_BODY_FIELDS, ids=label)
def test_limits_body_string_over_max_length_is_422(client, admin_auth, row):
    method, path, name, field = row

    response = client.open(
        fill_path(path),
        method=method,
        json={name: "x" * (field["maxLength"] + 1)},
        headers=admin_auth,
    )

    assert response.status_code == 422
    assert name in response.get_json()["error"]["fields"]


# Search checks its text and types itself and rejects a bad value with 400
# invalid_search, as its API documents. Every other parameter gets 422.
CHECKED_BY_SERVICE = {("GET", "/api/search", "q"), ("GET", "/api/search", "type")}


@pytest.mark.parametrize("row", LONG_QUERY_PARAMETERS, ids=label)
def test_limits_query_string_over_max_length_is_rejected(client, admin_auth, row):
    method, path, name, field = row
    expected = 400 if (method, path, name) in CHECKED_BY_SERVICE else 422
    # A search needs its text before it looks at anything else.
    query = {"q": "grace"} if path == "/api/search" else {}

    response = client.open(
        fill_path(path),
        method=method,
        query_string={**query, name: "x" * (field["maxLength"] + 1)},
        headers=admin_auth,
    )

    assert response.status_code == expected
    assert name in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("depth", [11, 50])
def test_limits_json_deeper_than_max_is_422(client, auth, depth):
    nested = "x"
    for _ in range(depth - 1):
        nested = [nested]

    response = client.post("/api/clients", json={"name": nested}, headers=auth)

    assert response.status_code == 422
    assert "nests deeper" in response.get_json()["error"]["fields"]["_body"][0]


def test_limits_json_at_max_depth_reaches_validation(client, auth):
    nested = "x"
    for _ in range(9):
        nested = [nested]

    response = client.post("/api/clients", json={"name": nested}, headers=auth)

    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]


def test_limits_json_array_over_max_items_is_422(client, auth):
    response = client.post("/api/candidates", json={"skills": ["x"] * 1001}, headers=auth)

    assert response.status_code == 422
    assert "1000 entries" in response.get_json()["error"]["fields"]["_body"][0]


def test_limits_json_object_over_max_members_is_422(client, auth):
    body = {f"field{number}": 1 for number in range(1001)}

    response = client.post("/api/clients", json=body, headers=auth)

    assert response.status_code == 422
    assert "_body" in response.get_json()["error"]["fields"]


def test_limits_skills_over_max_items_is_422(client, auth):
    body = {"firstName": "Ada", "lastName": "Byron", "skills": [f"s{n}" for n in range(51)]}

    response = client.post("/api/candidates", json=body, headers=auth)

    assert response.status_code == 422
    assert "skills" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("path", "name", "values"),
    [
        ("/api/jobs", "status", ["open", "closed", "draft", "filled", "on_hold", "open"]),
        ("/api/job-candidates", "stage", ["sourced"] * 8),
    ],
)
def test_limits_too_many_filter_values_is_422(client, auth, path, name, values):
    response = client.get(path, query_string=[(name, value) for value in values], headers=auth)

    assert response.status_code == 422
    assert name in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("limit", [0, 101, 10**30])
def test_limits_page_size_out_of_bounds_is_422(client, auth, limit):
    response = client.get("/api/candidates", query_string={"limit": limit}, headers=auth)

    assert response.status_code == 422
    assert "limit" in response.get_json()["error"]["fields"]


# Digits of other scripts, an underscore and spaces, all of which int() accepts.
@pytest.mark.parametrize("limit", ["\uff15", "\u0665", "1_0", " 5", "5 "])
@pytest.mark.parametrize(
    "path, query",
    [
        ("/api/candidates", {}),
        ("/api/search", {"q": "grace"}),
        ("/api/dashboard/recent-activity", {}),
    ],
)
def test_limits_non_ascii_number_is_422(client, auth, path, query, limit):
    response = client.get(path, query_string={**query, "limit": limit}, headers=auth)

    assert response.status_code == 422
    assert "limit" in response.get_json()["error"]["fields"]


def test_limits_signed_ascii_number_is_read(client, auth):
    response = client.get("/api/candidates", query_string={"limit": "+5"}, headers=auth)

    assert response.status_code == 200


@pytest.mark.parametrize("query", ["q=%FF", "q=todd%ED%A0%80", "q=grace&limit=%C3"])
def test_limits_query_not_utf8_is_400(client, auth, query):
    response = client.get(f"/api/search?{query}", headers=auth)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_limits_query_with_utf8_escapes_is_read(client, auth):
    response = client.get("/api/search?q=caf%C3%A9%20100%25", headers=auth)

    assert response.status_code == 200
