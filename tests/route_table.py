"""The role table: the lowest role each documented route allows, and a valid request.

To add a route, add a row to ROUTE_ACCESS: the lowest role allowed (PUBLIC for no
token at all) and, for writes, a valid body built from ``world``. tests/test_roles.py
fills path parameters from the rows its build_world fixture creates; ``world["role"]``
makes names and emails unique per caller.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PUBLIC = "public"
ROLES = ("viewer", "recruiter", "admin")
RANK = {PUBLIC: -1, "viewer": 0, "recruiter": 1, "admin": 2}


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
    ("GET", "/api/dashboard/stats"): Access("viewer"),
    ("GET", "/api/dashboard/recent-activity"): Access("viewer"),
    ("GET", "/api/dashboard/pipeline-summary"): Access("viewer"),
    ("GET", "/api/dashboard/batch"): Access("viewer"),
    ("GET", "/api/search"): Access("viewer", query={"q": "grace"}),
    ("GET", "/api/metrics"): Access("admin"),
}
