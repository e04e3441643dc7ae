"""Injection-shaped input in every string body field, query parameter and path id.

SQL is built only with bound parameters and allowlisted columns, so such input is
either stored verbatim, matches nothing, or is rejected with a 4xx: never a 500,
never a wider result.
"""

import urllib.parse

import pytest

from tests.openapi_walk import body_fields, fill_path, query_parameters
from tests.route_table import ROUTE_ACCESS

PAYLOADS = [
    "' OR '1'='1",
    "'; DROP TABLE candidates; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5) --",
    "Robert'); DELETE FROM users; --",
    "%' OR 1=1 --",
    "%_%",
    "\\",
    "$1",
    "createdAt; DROP TABLE clients",
    "name DESC, (SELECT 1)",
    "<script>alert(1)</script>",
    "{{7*7}}${7*7}",
    "../../../../etc/passwd",
    '{"$where": "1 == 1"}',
    "ａｄｍｉｎ",
]
BODY_OPERATIONS = sorted({(method, path) for method, path, _, _ in body_fields()})
# Query parameters that select rows: a payload there must match none of them.
NON_FILTER_PARAMETERS = ("limit", "cursor", "sortBy", "sortOrder")


def string_fields(method, path):
    return [
        name
        for row_method, row_path, name, field in body_fields()
        if (row_method, row_path) == (method, path) and field.get("type") == "string"
    ]


@pytest.mark.parametrize(("method", "path"), BODY_OPERATIONS)
def test_injection_in_body_fields_is_stored_or_rejected(client, build_world, method, path):
    access = ROUTE_ACCESS[(method, path)]
    world = build_world("admin")

    for name in string_fields(method, path):
        for number, payload in enumerate(PAYLOADS):
            unique_world = {**world, "role": f"admin-{name}-{number}"}
            body = {**(access.body(unique_world) if access.body else {}), name: payload}
            response = client.open(
                path.format(**world), method=method, json=body, headers=world["headers"]
            )
            case = f"{method} {path} {name}={payload!r}"

            assert response.status_code < 500, f"{case}: {response.status_code}"
            stored = response.get_json().get(name) if response.status_code < 300 else None
            if stored is not None:
                assert stored == payload, f"{case}: stored as {stored!r}"


def text_query_parameters(path):
    return [
        name
        for method, row_path, name, schema in query_parameters()
        if (method, row_path) == ("GET", path) and schema.get("type") in ("string", "array")
    ]


@pytest.mark.parametrize("path", sorted({row[1] for row in query_parameters() if row[0] == "GET"}))
def test_injection_in_query_parameters_matches_nothing(client, build_world, path):
    world = build_world("viewer")

    for name in text_query_parameters(path):
        for payload in PAYLOADS:
            response = client.get(
                path.format(**world), query_string={name: payload}, headers=world["headers"]
            )
            case = f"GET {path}?{name}={payload!r}"

            assert response.status_code in (200, 400, 422), f"{case}: {response.status_code}"
            if response.status_code == 200 and name not in NON_FILTER_PARAMETERS:
                assert response.get_json()["data"] == [], f"{case}: the filter matched rows"


@pytest.mark.parametrize(
    ("method", "path"), sorted(route for route in ROUTE_ACCESS if "{" in route[1])
)
def test_injection_in_path_ids_is_404(client, auth, method, path):
    for payload in PAYLOADS:
        url = fill_path(path, urllib.parse.quote(payload, safe=""))
        response = client.open(url, method=method, json={}, headers=auth)

        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
