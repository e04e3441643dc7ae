"""Every route of the OpenAPI document, called with each role and without a token.

The expected access of each route is in tests/route_table.py.
"""

import pytest

from tests.openapi_walk import HTTP_METHODS
from tests.route_table import PUBLIC, RANK, ROLES, ROUTE_ACCESS


def test_roles_table_covers_every_documented_route(client):
    document = client.get("/openapi.json").get_json()
    routes = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }

    missing = sorted(routes - ROUTE_ACCESS.keys())
    stale = sorted(ROUTE_ACCESS.keys() - routes)

    assert not missing, f"Routes missing from ROUTE_ACCESS in tests/route_table.py: {missing}"
    assert not stale, f"ROUTE_ACCESS rows for routes that no longer exist: {stale}"


def call(client, method, path, access, world, headers):
    return client.open(
        path.format(**world),
        method=method,
        json=access.body(world) if access.body else None,
        query_string=access.query,
        headers=headers,
    )


@pytest.mark.parametrize(("method", "path"), sorted(ROUTE_ACCESS))
def test_roles_route_allows_only_its_roles(client, build_world, method, path):
    access = ROUTE_ACCESS[(method, path)]
    route = f"{method} {path}"

    worlds = {role: build_world(role) for role in ROLES}
    # The viewer goes first: a denied write leaves its rows for the call without token.
    for role in ROLES:
        world = worlds[role]
        response = call(client, method, path, access, world, world["headers"])
        if RANK[role] >= RANK[access.lowest_role]:
            assert 200 <= response.status_code < 300, (
                f"{route} as {role}: expected success, got {response.status_code} "
                f"{response.get_json()}"
            )
        else:
            assert response.status_code == 403, (
                f"{route} as {role}: expected 403, got {response.status_code}"
            )

    anonymous = call(client, method, path, access, worlds["viewer"], {})
    if access.lowest_role == PUBLIC:
        assert anonymous.status_code != 401, f"{route} without a token: got 401"
    else:
        assert anonymous.status_code == 401, (
            f"{route} without a token: expected 401, got {anonymous.status_code}"
        )
