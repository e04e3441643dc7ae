"""The role table: every route of the OpenAPI document, called with each role and no token.

To add a route, add a row to ROUTE_ACCESS: the lowest role allowed (PUBLIC for no
token at all) and, for writes, a valid body. Path parameters are filled from the
rows that build_world creates for each role.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

PUBLIC = "public"
ROLES = ("viewer", "recruiter", "admin")
RANK = {PUBLIC: -1, "viewer": 0, "recruiter": 1, "admin": 2}
HTTP_METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True)
class Access:
    """Who may call a route, and a request that passes validation."""

    lowest_role: str
    body: Callable[[dict], dict] | None = None
    query: dict = field(default_factory=dict)


ROUTE_ACCESS = {
    ("POST", "/api/auth/login"): Access(
        PUBLIC, body=lambda world: {"email": world["email"], "password": world["password"]}
    ),
    ("POST", "/api/auth/logout"): Access("viewer"),
    ("GET", "/api/tokens"): Access("viewer"),
    ("POST", "/api/tokens"): Access("viewer", body=lambda world: {"name": "role table"}),
    ("DELETE", "/api/tokens/{token_id}"): Access("viewer"),
    ("GET", "/api/users"): Access("admin"),
    ("POST", "/api/users"): Access(
        "admin",
        body=lambda world: {
            "email": f"created-by-{world['role']}@example.com",
            "role": "viewer",
            "password": "an-unusual-passphrase",
        },
    ),
    ("GET", "/api/users/{user_id}"): Access("admin"),
    ("PATCH", "/api/users/{user_id}"): Access("admin", body=lambda world: {"name": "Renamed"}),
    ("GET", "/api/users/{user_id}/tokens"): Access("admin"),
    ("DELETE", "/api/users/{user_id}/tokens"): Access("admin"),
    ("GET", "/api/clients"): Access("viewer"),
    ("POST", "/api/clients"): Access(
        "recruiter", body=lambda world: {"name": f"Client of {world['role']}"}
    ),
    ("GET", "/api/clients/{client_id}"): Access("viewer"),
    ("PATCH", "/api/clients/{client_id}"): Access(
        "recruiter", body=lambda world: {"industry": "Retail"}
    ),
    ("DELETE", "/api/clients/{client_id}"): Access("recruiter", query={"cascade": "true"}),
    ("GET", "/api/jobs"): Access("viewer"),
    ("POST", "/api/jobs"): Access(
        "recruiter", body=lambda world: {"title": "Analyst", "clientId": world["client_id"]}
    ),
    ("GET", "/api/jobs/{job_id}"): Access("viewer"),
    ("PATCH", "/api/jobs/{job_id}"): Access("recruiter", body=lambda world: {"openings": 2}),
    ("DELETE", "/api/jobs/{job_id}"): Access("recruiter", query={"cascade": "true"}),
    ("GET", "/api/jobs/{job_id}/candidates"): Access("viewer"),
    ("GET", "/api/candidates"): Access("viewer"),
    ("POST", "/api/candidates"): Access(
        "recruiter", body=lambda world: {"firstName": "Grace", "lastName": "Hopper"}
    ),
    ("GET", "/api/candidates/{candidate_id}"): Access("viewer"),
    ("PATCH", "/api/candidates/{candidate_id}"): Access(
        "recruiter", body=lambda world: {"location": "Berlin"}
    ),
    ("DELETE", "/api/candidates/{candidate_id}"): Access("recruiter", query={"cascade": "true"}),
    ("GET", "/api/job-candidates"): Access("viewer"),
    ("POST", "/api/job-candidates"): Access(
        "recruiter",
        body=lambda world: {"jobId": world["job_id"], "candidateId": world["free_candidate_id"]},
    ),
    ("GET", "/api/job-candidates/{application_id}"): Access("viewer"),
    ("PATCH", "/api/job-candidates/{application_id}"): Access(
        "recruiter", body=lambda world: {"stage": "screening"}
    ),
    ("DELETE", "/api/job-candidates/{application_id}"): Access("recruiter"),
}


def documented_routes(client):
    document = client.get("/openapi.json").get_json()
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


def test_roles_table_covers_every_documented_route(client):
    routes = documented_routes(client)

    missing = sorted(routes - ROUTE_ACCESS.keys())
    stale = sorted(ROUTE_ACCESS.keys() - routes)

    assert not missing, f"Routes missing from ROUTE_ACCESS in tests/test_roles.py: {missing}"
    assert not stale, f"ROUTE_ACCESS rows for routes that no longer exist: {stale}"


@pytest.fixture
def build_world(client, make_user, make_job, make_candidate, make_application):
    """Return a function that creates, for one role, the rows a route needs.

    Users are created once per test, because hashing their passwords is the slow part.
    """
    password = "role-table-password"
    callers = {role: make_user(role, password=password) for role in ROLES}
    target, _ = make_user("viewer")

    def build(role):
        user, headers = callers[role]
        job = make_job()
        candidate = make_candidate()
        application = make_application(jobId=job["id"], candidateId=candidate["id"])
        token = client.post("/api/tokens", json={"name": "target"}, headers=headers)
        return {
            "role": role,
            "headers": headers,
            "email": user.email,
            "password": password,
            "user_id": str(target.id),
            "token_id": token.get_json()["id"],
            "client_id": job["clientId"],
            "job_id": job["id"],
            "candidate_id": candidate["id"],
            "free_candidate_id": make_candidate()["id"],
            "application_id": application["id"],
        }

    return build


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
