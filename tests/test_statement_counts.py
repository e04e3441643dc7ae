"""Every list costs a fixed, small number of SQL statements, whatever its page size."""

import pytest
from sqlalchemy import text

from app.extensions import db

pytestmark = pytest.mark.keeps_data

# Token lookup, the page query with the event position (X-Event-Position), then at
# most one batch load. A detail has no event position.
MAX_STATEMENTS = 3


@pytest.fixture(scope="module")
def reader(app, demo_data):
    """Headers of a user created for this module, with its token already used once."""
    from app.services.tokens import issue_token
    from app.services.users import create_user

    with app.app_context():
        user = create_user("counter@example.com", "correct-horse-battery", role="viewer")
        _, token = issue_token(user, name="count")
        db.session.remove()
    headers = {"Authorization": f"Bearer {token}"}
    app.test_client().get("/health", headers=headers)
    # The first authenticated request also records the token's last use.
    app.test_client().get("/api/clients", headers=headers)
    return headers


@pytest.fixture(scope="module")
def busiest_job_id(app, demo_data):
    with app.app_context():
        return db.session.execute(
            text("SELECT job_id FROM job_candidates GROUP BY job_id ORDER BY count(*) DESC LIMIT 1")
        ).scalar()


def list_paths(job_id):
    return [
        "/api/clients",
        "/api/jobs",
        "/api/jobs?status=open&status=on_hold&sortBy=title",
        "/api/candidates",
        "/api/candidates?sortBy=lastName",
        "/api/job-candidates",
        "/api/job-candidates?sortBy=stage&sortOrder=asc",
        f"/api/jobs/{job_id}/candidates",
    ]


def measure(client, count_statements, path, headers):
    responses = []
    count = count_statements(lambda: responses.append(client.get(path, headers=headers)))
    assert responses[0].status_code == 200, responses[0].get_json()
    return count, len(responses[0].get_json()["data"])


@pytest.mark.parametrize("index", range(8))
def test_list_statements_do_not_grow_with_page_size(
    client, count_statements, reader, busiest_job_id, index
):
    path = list_paths(busiest_job_id)[index]
    separator = "&" if "?" in path else "?"

    small, small_rows = measure(client, count_statements, f"{path}{separator}limit=5", reader)
    large, large_rows = measure(client, count_statements, f"{path}{separator}limit=100", reader)

    assert small_rows == 5
    assert large_rows > 5
    assert small == large
    assert large <= MAX_STATEMENTS


@pytest.mark.parametrize("resource", ["clients", "jobs", "candidates", "job-candidates"])
def test_detail_costs_two_statements(client, count_statements, reader, resource):
    first = client.get(f"/api/{resource}?limit=1", headers=reader).get_json()["data"][0]

    count = count_statements(lambda: client.get(f"/api/{resource}/{first['id']}", headers=reader))

    assert count == 2


def test_deep_page_costs_the_same(client, count_statements, reader):
    cursor = None
    for _ in range(5):
        query = "limit=50" + (f"&cursor={cursor}" if cursor else "")
        cursor = client.get(f"/api/job-candidates?{query}", headers=reader).get_json()["nextCursor"]

    count = count_statements(
        lambda: client.get(f"/api/job-candidates?limit=50&cursor={cursor}", headers=reader)
    )

    assert count <= MAX_STATEMENTS


def empty_list_paths(job_id):
    """Lists whose filters match no row."""
    future = "createdAfter=2100-01-01T00:00:00Z"
    return [
        f"/api/clients?{future}",
        f"/api/jobs?{future}",
        f"/api/candidates?{future}",
        f"/api/job-candidates?{future}",
        f"/api/jobs/{job_id}/candidates?{future}",
    ]


@pytest.mark.parametrize("index", range(5))
def test_empty_list_keeps_statement_limit(client, count_statements, reader, busiest_job_id, index):
    path = empty_list_paths(busiest_job_id)[index]
    responses = []

    count = count_statements(lambda: responses.append(client.get(path, headers=reader)))

    assert responses[0].status_code == 200
    assert responses[0].get_json()["data"] == []
    assert "X-Event-Position" in responses[0].headers
    assert count <= MAX_STATEMENTS
