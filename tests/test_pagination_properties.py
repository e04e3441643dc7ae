"""Property tests of keyset pagination: every sort, order, filter and page size.

The data has many equal sort keys (three timestamps, three titles, three last
names), so the id tiebreaker does real work. The oracle is the same list read in
one page of 100: walking it in small pages must return the same rows in the same
order. Rows inserted between two page requests must not disturb the walk.
"""

import datetime as dt
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import Candidate, Client, Job, JobCandidate
from app.services.tokens import issue_token
from app.services.users import create_user

pytestmark = pytest.mark.keeps_data

BASE_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TIMES = [BASE_TIME + dt.timedelta(days=offset) for offset in (0, 1, 2)]
TITLES = ["Analyst", "Designer", "Engineer"]
LAST_NAMES = ["Lee", "Ng", "Smith"]
STATUSES = ["draft", "open", "on_hold", "closed"]
STAGES = ["sourced", "applied", "screening", "interview", "rejected"]
SOURCES = ["linkedin", "referral"]


@pytest.fixture(scope="module")
def world(app):
    """Rows with many equal sort keys, and a recruiter's headers."""
    with app.app_context():
        owner = create_user("walker@example.com", "correct-horse-battery", role="recruiter")
        _, token = issue_token(owner, name="walk")
        clients = [
            Client(name=f"Client {index}", created_at=TIMES[index % 3], updated_at=TIMES[0])
            for index in range(6)
        ]
        db.session.add_all(clients)
        db.session.flush()
        jobs = [
            Job(
                client_id=clients[index % 2].id,
                title=TITLES[index % 3],
                employment_type="full_time",
                status=STATUSES[index % 4],
                openings=1,
                owner_id=owner.id,
                created_at=TIMES[index % 3],
                updated_at=TIMES[(index // 3) % 3],
            )
            for index in range(40)
        ]
        candidates = [
            Candidate(
                first_name="Sam",
                last_name=LAST_NAMES[index % 3],
                source=SOURCES[index % 2],
                skills=["Python"] if index % 2 else ["Go"],
                skill_keys=["python"] if index % 2 else ["go"],
                created_at=TIMES[index % 3],
                updated_at=TIMES[(index // 2) % 3],
            )
            for index in range(45)
        ]
        db.session.add_all(jobs + candidates)
        db.session.flush()
        applications = []
        for index in range(60):
            stage = STAGES[index % 5]
            applications.append(
                JobCandidate(
                    job_id=jobs[(index + index // 45) % 3].id,
                    candidate_id=candidates[index % 45].id,
                    stage=stage,
                    rejection_reason="No fit" if stage == "rejected" else None,
                    stage_changed_at=TIMES[index % 3],
                    created_at=TIMES[(index // 5) % 3],
                    updated_at=TIMES[index % 3],
                )
            )
        db.session.add_all(applications)
        db.session.commit()
        world = {
            "headers": {"Authorization": f"Bearer {token}"},
            "client_id": str(clients[0].id),
            "owner_id": str(owner.id),
            "job_id": str(jobs[0].id),
            "open_job_id": str(jobs[1].id),
            "candidate_id": str(candidates[0].id),
        }
        db.session.remove()
    yield world
    from tests.conftest import truncate_all

    truncate_all(app)


def list_cases(world):
    """Return ``(path, sort keys, filter choices)`` for every list."""
    middle = TIMES[1].isoformat().replace("+00:00", "Z")
    return {
        "clients": (
            "/api/clients",
            ["createdAt", "updatedAt", "name"],
            [{}, {"createdAfter": middle}, {"createdBefore": middle}],
        ),
        "jobs": (
            "/api/jobs",
            ["createdAt", "updatedAt", "title", "status"],
            [
                {},
                {"status": ["open", "draft"]},
                {"clientId": world["client_id"]},
                {"ownerId": world["owner_id"]},
                {"createdAfter": middle},
                {"updatedAfter": middle},
            ],
        ),
        "candidates": (
            "/api/candidates",
            ["createdAt", "updatedAt", "lastName"],
            [{}, {"source": "referral"}, {"skill": "PYTHON"}, {"updatedAfter": middle}],
        ),
        "job-candidates": (
            "/api/job-candidates",
            ["createdAt", "updatedAt", "stageChangedAt", "stage"],
            [
                {},
                {"jobId": world["job_id"]},
                {"candidateId": world["candidate_id"]},
                {"stage": ["applied", "rejected"]},
            ],
        ),
        "pipeline": (
            f"/api/jobs/{world['job_id']}/candidates",
            ["createdAt", "stage"],
            [{}, {"stage": ["sourced", "interview"]}],
        ),
    }


def get_page(client, path, params, headers):
    response = client.get(path, query_string=params, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def walk(client, path, params, limit, headers, between_pages=None):
    """Return the ids of every page of the list, calling ``between_pages`` after the first."""
    ids = []
    cursor = None
    for page_number in range(500):
        page_params = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        body = get_page(client, path, page_params, headers)
        ids.extend(row["id"] for row in body["data"])
        if not body["hasNextPage"]:
            return ids
        cursor = body["nextCursor"]
        if page_number == 0 and between_pages:
            between_pages()
    raise AssertionError("the walk did not end")


def insert_matching_rows(client, resource, world):
    """Insert rows that the list may show, sharing sort keys with existing rows.

    Returns a function that deletes them again.
    """
    headers = world["headers"]
    created = []
    if resource in ("clients",):
        for _ in range(2):
            body = {"name": f"Inserted {uuid.uuid4().hex}"}
            created.append(("clients", client.post("/api/clients", json=body, headers=headers)))
    elif resource == "jobs":
        for title in TITLES[:2]:
            body = {"clientId": world["client_id"], "title": title, "status": "open"}
            created.append(("jobs", client.post("/api/jobs", json=body, headers=headers)))
    elif resource == "candidates":
        for last_name in LAST_NAMES[:2]:
            body = {"firstName": "New", "lastName": last_name, "skills": ["Python"]}
            created.append(
                ("candidates", client.post("/api/candidates", json=body, headers=headers))
            )
    else:
        for stage in ("applied", "sourced"):
            candidate = client.post(
                "/api/candidates", json={"firstName": "New", "lastName": "Ng"}, headers=headers
            ).get_json()
            created.append(("candidates-cascade", candidate["id"]))
            body = {"jobId": world["open_job_id"], "candidateId": candidate["id"], "stage": stage}
            client.post("/api/job-candidates", json=body, headers=headers)

    def remove():
        for kind, item in created:
            if kind == "candidates-cascade":
                client.delete(f"/api/candidates/{item}?cascade=true", headers=headers)
            else:
                assert item.status_code == 201, item.get_json()
                client.delete(f"/api/{kind}/{item.get_json()['id']}?cascade=true", headers=headers)

    return remove


@st.composite
def list_requests(draw, cases):
    resource = draw(st.sampled_from(sorted(cases)))
    path, sort_keys, filter_choices = cases[resource]
    params = dict(draw(st.sampled_from(filter_choices)))
    params["sortBy"] = draw(st.sampled_from(sort_keys))
    params["sortOrder"] = draw(st.sampled_from(["asc", "desc"]))
    limit = draw(st.integers(min_value=1, max_value=17))
    return resource, path, params, limit


@pytest.fixture(scope="module")
def cases(world):
    return list_cases(world)


@pytest.fixture(scope="module")
def api(app):
    return app.test_client()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_walk_returns_every_row_once_in_order(api, world, cases, data):
    resource, path, params, limit = data.draw(list_requests(cases))
    headers = world["headers"]
    expected = [row["id"] for row in get_page(api, path, {**params, "limit": 100}, headers)["data"]]

    walked = walk(api, path, params, limit, headers)

    assert walked == expected


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_walk_survives_inserts_between_pages(api, world, cases, data):
    resource, path, params, limit = data.draw(list_requests(cases))
    headers = world["headers"]
    before = [row["id"] for row in get_page(api, path, {**params, "limit": 100}, headers)["data"]]
    removers = []

    try:
        walked = walk(
            api,
            path,
            params,
            limit,
            headers,
            between_pages=lambda: removers.append(insert_matching_rows(api, resource, world)),
        )
        after = [
            row["id"] for row in get_page(api, path, {**params, "limit": 100}, headers)["data"]
        ]
    finally:
        for remove in removers:
            remove()

    original_rows_walked = [row_id for row_id in walked if row_id in set(before)]
    positions = [after.index(row_id) for row_id in walked]
    assert len(walked) == len(set(walked))
    assert original_rows_walked == before
    assert positions == sorted(positions)
