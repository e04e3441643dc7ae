"""The trigger-kept counter tables agree with counting the applications themselves."""

import random

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models.enums import ACTIVE_STAGES, STAGES

STAGE_SUMS = ", ".join(f"count(*) FILTER (WHERE jc.stage = '{stage}')" for stage in STAGES)
ACTIVE = ", ".join(f"'{stage}'" for stage in ACTIVE_STAGES)

COUNTED_BY_JOB = text(
    f"SELECT j.id, {STAGE_SUMS} FROM jobs j LEFT JOIN job_candidates jc ON jc.job_id = j.id "
    "GROUP BY j.id ORDER BY j.id"
)
KEPT_BY_JOB = text(f"SELECT job_id, {', '.join(STAGES)} FROM job_pipeline_counts ORDER BY job_id")
COUNTED_ACTIVE = text(
    f"SELECT candidate_id, count(*) FROM job_candidates WHERE stage IN ({ACTIVE}) "
    "GROUP BY candidate_id ORDER BY candidate_id"
)
KEPT_ACTIVE = text(
    "SELECT candidate_id, active_applications FROM candidate_active_counts "
    "WHERE active_applications <> 0 ORDER BY candidate_id"
)
COUNTED_TOTALS = text(
    "SELECT counter, count FROM ("
    "SELECT 'jobs:' || status AS counter, count(*) FROM jobs GROUP BY 1 "
    "UNION ALL SELECT 'stage:' || stage, count(*) FROM job_candidates GROUP BY 1 "
    "UNION ALL SELECT 'active_candidates', count(DISTINCT candidate_id) FROM job_candidates "
    f"WHERE stage IN ({ACTIVE})) AS counted WHERE count <> 0 ORDER BY counter"
)
KEPT_TOTALS = text(
    "SELECT counter, sum(value)::bigint FROM dashboard_counters GROUP BY counter "
    "HAVING sum(value) <> 0 ORDER BY counter"
)
COUNTED_DAYS = text(
    "SELECT (created_at AT TIME ZONE 'UTC')::date, count(*) FROM job_candidates "
    "GROUP BY 1 ORDER BY 1"
)
KEPT_DAYS = text(
    "SELECT day, sum(created)::bigint FROM application_days GROUP BY day "
    "HAVING sum(created) <> 0 ORDER BY day"
)


@pytest.fixture
def churned(client, auth, make_client_record, make_job, make_candidate, make_application):
    """Applications created, moved, deleted one by one and by cascades, in a seeded order."""
    rng = random.Random(7)
    clients = [make_client_record() for _ in range(3)]
    jobs = [make_job(clientId=rng.choice(clients)["id"]) for _ in range(6)]
    candidates = [make_candidate() for _ in range(8)]
    applications = []
    for job in jobs:
        for candidate in rng.sample(candidates, 4):
            applications.append(make_application(jobId=job["id"], candidateId=candidate["id"]))
    for application in rng.sample(applications, 15):
        stage = rng.choice(STAGES)
        body = {"stage": stage}
        if stage == "rejected":
            body["rejectionReason"] = "Not a fit"
        client.patch(f"/api/job-candidates/{application['id']}", json=body, headers=auth)
    for application in rng.sample(applications, 3):
        client.delete(f"/api/job-candidates/{application['id']}", headers=auth)
    for job in rng.sample(jobs, 3):
        status = rng.choice(["on_hold", "closed", "draft"])
        client.patch(f"/api/jobs/{job['id']}", json={"status": status}, headers=auth)
    client.delete(f"/api/candidates/{candidates[0]['id']}?cascade=true", headers=auth)
    client.delete(f"/api/jobs/{jobs[0]['id']}?cascade=true", headers=auth)
    client.delete(f"/api/clients/{clients[1]['id']}?cascade=true", headers=auth)


def rows(app, statement):
    with app.app_context():
        result = [tuple(row) for row in db.session.execute(statement)]
        db.session.remove()
    return result


def test_job_pipeline_counts_match_the_applications(app, churned):
    assert rows(app, KEPT_BY_JOB) == rows(app, COUNTED_BY_JOB)


def test_candidate_active_counts_match_the_applications(app, churned):
    assert rows(app, KEPT_ACTIVE) == rows(app, COUNTED_ACTIVE)


def test_agency_totals_match_the_rows(app, churned):
    assert rows(app, KEPT_TOTALS) == rows(app, COUNTED_TOTALS)


def test_application_days_match_the_applications(app, churned):
    assert rows(app, KEPT_DAYS) == rows(app, COUNTED_DAYS)


def test_every_job_has_a_counter_row(app, make_job):
    make_job()

    assert rows(app, text("SELECT count(*) FROM job_pipeline_counts")) == [(1,)]
