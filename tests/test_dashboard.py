"""Dashboard endpoints: the numbers, the activity feed, the pipeline summary, the batch."""

import pytest
from sqlalchemy import text

from app.extensions import db
from app.services import dashboard_batch
from app.services.dashboard_activity import recent_activity
from app.services.dashboard_pipeline import pipeline_summary
from app.services.dashboard_stats import dashboard_stats

STATS = "/api/dashboard/stats"
ACTIVITY = "/api/dashboard/recent-activity"
PIPELINE = "/api/dashboard/pipeline-summary"
BATCH = "/api/dashboard/batch"


def move(client, auth, application, stage, **extra):
    response = client.patch(
        f"/api/job-candidates/{application['id']}", json={"stage": stage, **extra}, headers=auth
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def hiring(client, auth, make_client_record, make_job, make_candidate, make_application):
    """Two clients: Acme with an open and a draft job, Globex with an open job.

    Acme's open job has three applications (screening, hired, rejected), its draft
    job one (sourced, of the same candidate as the screening one), and Globex's
    job one in interview.
    """
    acme = make_client_record(name="Acme")
    globex = make_client_record(name="Globex")
    acme_open = make_job(clientId=acme["id"], title="Acme Engineer")
    acme_draft = make_job(clientId=acme["id"], title="Acme Draft", status="draft")
    globex_open = make_job(clientId=globex["id"], title="Globex Designer")
    shared = make_candidate(firstName="Grace", lastName="Hopper")

    screening = make_application(jobId=acme_open["id"], candidateId=shared["id"])
    move(client, auth, screening, "screening")
    hired = make_application(jobId=acme_open["id"])
    move(client, auth, hired, "hired")
    rejected = make_application(jobId=acme_open["id"])
    move(client, auth, rejected, "rejected", rejectionReason="Went elsewhere")
    make_application(jobId=acme_draft["id"], candidateId=shared["id"])
    interview = make_application(jobId=globex_open["id"])
    move(client, auth, interview, "interview")
    return {
        "acme": acme,
        "globex": globex,
        "acme_open": acme_open,
        "globex_open": globex_open,
        "shared": shared,
        "interview": interview,
    }


def get(client, auth, path, **params):
    response = client.get(path, query_string=params, headers=auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_stats_count_open_jobs(client, auth, hiring):
    assert get(client, auth, STATS)["openJobs"] == 2


def test_stats_count_jobs_by_status(client, auth, hiring):
    by_status = get(client, auth, STATS)["jobsByStatus"]

    assert by_status == {"draft": 1, "open": 2, "on_hold": 0, "closed": 0, "filled": 0}


def test_stats_count_applications_by_stage(client, auth, hiring):
    by_stage = get(client, auth, STATS)["applicationsByStage"]

    assert by_stage == {
        "sourced": 1,
        "applied": 0,
        "screening": 1,
        "interview": 1,
        "offer": 0,
        "hired": 1,
        "rejected": 1,
    }


def test_stats_count_each_active_candidate_once(client, auth, hiring):
    # Grace is active on two jobs; the Globex candidate on one.
    assert get(client, auth, STATS)["activeCandidates"] == 2


def test_stats_count_new_applications(client, auth, hiring):
    assert get(client, auth, STATS)["newApplications"] == {"last7Days": 5, "last30Days": 5}


def test_stats_count_recent_hires(client, auth, hiring):
    assert get(client, auth, STATS)["hires"] == {"last7Days": 1, "last30Days": 1}


def test_stats_time_to_hire_sample_size(client, auth, hiring):
    assert get(client, auth, STATS)["timeToHire"]["hires"] == 1


def test_stats_time_to_hire_in_days(app, client, auth, hiring):
    with app.app_context():
        db.session.execute(
            text(
                "UPDATE job_candidates SET created_at = stage_changed_at - interval '36 hours' "
                "WHERE stage = 'hired'"
            )
        )
        db.session.execute(text("UPDATE cache_generations SET generation = generation + 1"))
        db.session.commit()

    assert get(client, auth, STATS)["timeToHire"]["medianDays"] == 1.5


def test_stats_time_to_hire_null_without_hires(client, auth, make_job):
    make_job()

    assert get(client, auth, STATS)["timeToHire"]["medianDays"] is None


def test_stats_filter_by_client(client, auth, hiring):
    stats = get(client, auth, STATS, clientId=hiring["globex"]["id"])

    assert stats["applicationsByStage"]["interview"] == 1


def test_stats_filter_by_client_leaves_out_other_clients(client, auth, hiring):
    stats = get(client, auth, STATS, clientId=hiring["globex"]["id"])

    assert stats["applicationsByStage"]["hired"] == 0


def test_stats_filter_by_client_counts_its_active_candidates(client, auth, hiring):
    stats = get(client, auth, STATS, clientId=hiring["acme"]["id"])

    assert stats["activeCandidates"] == 1


def test_stats_owner_me_counts_only_the_callers_jobs(client, make_user, make_job):
    owner, owner_auth = make_user("recruiter")
    other, other_auth = make_user("recruiter")
    client.post(
        "/api/jobs",
        json={"title": "Mine", "clientId": make_job()["clientId"], "ownerId": str(other.id)},
        headers=owner_auth,
    )

    assert get(client, other_auth, STATS, ownerId="me")["openJobs"] == 1


def test_stats_owner_me_differs_between_users(client, make_user, make_job):
    make_job()  # owned by the `auth` recruiter, neither of these two
    _, first_auth = make_user("recruiter")

    assert get(client, first_auth, STATS, ownerId="me")["openJobs"] == 0


def test_stats_owner_id_rejects_other_words(client, auth):
    response = client.get(STATS, query_string={"ownerId": "you"}, headers=auth)

    assert response.status_code == 422


def test_stats_need_a_token(client):
    assert client.get(STATS).status_code == 401


def test_stats_open_to_viewers(client, viewer_auth):
    assert client.get(STATS, headers=viewer_auth).status_code == 200


def test_recent_activity_is_newest_first(client, auth, hiring):
    ids = [row["id"] for row in get(client, auth, ACTIVITY, limit=100)["data"]]

    assert ids == sorted(ids, reverse=True)


def test_recent_activity_names_the_actor(client, auth, hiring):
    newest = get(client, auth, ACTIVITY, limit=1)["data"][0]

    assert newest["actor"]["name"] == "Test Recruiter"


def test_recent_activity_application_label(client, auth, hiring):
    newest = get(client, auth, ACTIVITY, limit=1)["data"][0]

    assert newest["entityLabel"].endswith(" for Globex Designer")


def test_recent_activity_labels_a_client_with_its_name(client, auth, make_client_record):
    make_client_record(name="Initech")

    assert get(client, auth, ACTIVITY, limit=1)["data"][0]["entityLabel"] == "Initech"


def test_recent_activity_deleted_entity_label(client, auth, make_candidate):
    candidate = make_candidate()
    client.delete(f"/api/candidates/{candidate['id']}", headers=auth)

    assert get(client, auth, ACTIVITY, limit=1)["data"][0]["entityLabel"] is None


def test_recent_activity_pages_cover_every_activity_once(client, auth, hiring):
    everything = [row["id"] for row in get(client, auth, ACTIVITY, limit=100)["data"]]
    walked, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = get(client, auth, ACTIVITY, **params)
        walked += [row["id"] for row in page["data"]]
        cursor = page["nextCursor"]
        if not cursor:
            break

    assert walked == everything


def test_recent_activity_filter_by_job(client, auth, hiring):
    rows = get(client, auth, ACTIVITY, jobId=hiring["globex_open"]["id"], limit=100)["data"]

    assert {row["jobId"] for row in rows} == {hiring["globex_open"]["id"]}


def test_recent_activity_rejects_a_tampered_cursor(client, auth, hiring):
    cursor = get(client, auth, ACTIVITY, limit=1)["nextCursor"]
    response = client.get(ACTIVITY, query_string={"cursor": cursor[:-2] + "xx"}, headers=auth)

    assert response.status_code == 400


def test_recent_activity_rejects_a_cursor_of_another_list(client, auth, hiring):
    cursor = get(client, auth, PIPELINE, limit=1)["nextCursor"]
    response = client.get(ACTIVITY, query_string={"cursor": cursor}, headers=auth)

    assert response.json["error"]["code"] == "invalid_cursor"


def test_pipeline_summary_lists_only_open_jobs(client, auth, hiring):
    titles = {row["job"]["title"] for row in get(client, auth, PIPELINE)["data"]}

    assert titles == {"Acme Engineer", "Globex Designer"}


def test_pipeline_summary_counts_each_stage(client, auth, hiring):
    rows = get(client, auth, PIPELINE)["data"]
    acme = next(row for row in rows if row["job"]["title"] == "Acme Engineer")

    assert acme["stages"] == {
        "sourced": 0,
        "applied": 0,
        "screening": 1,
        "interview": 0,
        "offer": 0,
        "hired": 1,
        "rejected": 1,
    }


def test_pipeline_summary_puts_the_latest_change_first(client, auth, hiring):
    move(client, auth, hiring["interview"], "offer")
    first = get(client, auth, PIPELINE)["data"][0]

    assert first["job"]["title"] == "Globex Designer"


def test_pipeline_summary_by_client_adds_up_open_jobs(client, auth, hiring, make_job):
    make_job(clientId=hiring["acme"]["id"], title="Acme Second")
    rows = get(client, auth, PIPELINE, groupBy="client")["data"]
    acme = next(row for row in rows if row["client"]["name"] == "Acme")

    assert acme["openJobs"] == 2


def test_pipeline_summary_by_client_sums_stages(client, auth, hiring):
    rows = get(client, auth, PIPELINE, groupBy="client")["data"]
    acme = next(row for row in rows if row["client"]["name"] == "Acme")

    assert acme["total"] == 3


def test_pipeline_summary_pages_cover_every_job_once(client, auth, make_job):
    created = {make_job(title=f"Job {number}")["id"] for number in range(7)}
    walked, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = get(client, auth, PIPELINE, **params)
        walked += [row["job"]["id"] for row in page["data"]]
        cursor = page["nextCursor"]
        if not cursor:
            break

    assert sorted(walked) == sorted(created)


def test_pipeline_summary_rejects_an_unknown_grouping(client, auth):
    response = client.get(PIPELINE, query_string={"groupBy": "owner"}, headers=auth)

    assert response.status_code == 422


def test_batch_returns_every_section_by_default(client, auth, hiring):
    body = get(client, auth, BATCH)

    assert set(body) == {"stats", "recentActivity", "pipelineSummary"}


def test_batch_returns_only_the_included_sections(client, auth, hiring):
    body = get(client, auth, BATCH, include="stats,pipeline_summary")

    assert set(body) == {"stats", "pipelineSummary"}


def test_batch_sections_equal_the_single_endpoints(client, auth, hiring):
    body = get(client, auth, BATCH, include="stats")

    assert body["stats"] == get(client, auth, STATS)


def test_batch_unknown_section_is_400(client, auth):
    response = client.get(BATCH, query_string={"include": "stats,charts"}, headers=auth)

    assert response.status_code == 400


def test_batch_unknown_section_is_named(client, auth):
    response = client.get(BATCH, query_string={"include": "stats,charts"}, headers=auth)

    assert "'charts'" in response.json["error"]["message"]


@pytest.fixture
def failing_stats(monkeypatch):
    def fail(scope, generation_map):
        raise RuntimeError("boom")

    monkeypatch.setitem(dashboard_batch.SECTIONS, "stats", fail)


def test_batch_reports_a_failed_section(client, auth, failing_stats):
    body = get(client, auth, BATCH)

    assert body["errors"]["stats"]["code"] == "section_failed"


def test_batch_failed_section_hides_error_text(client, auth, failing_stats):
    body = get(client, auth, BATCH)

    assert "boom" not in body["errors"]["stats"]["message"]


def test_batch_still_returns_the_other_sections(client, auth, failing_stats):
    body = get(client, auth, BATCH)

    assert set(body) == {"recentActivity", "pipelineSummary", "errors"}


@pytest.mark.parametrize(
    "path", [f"{STATS}?clientId=x", f"{PIPELINE}?limit=0", f"{BATCH}?limit=101", f"{BATCH}?extra=1"]
)
def test_dashboard_bad_query_is_a_client_error(client, auth, path):
    response = client.get(path, headers=auth)

    assert response.status_code in (400, 422)


def test_batch_with_a_failed_section_is_not_cached(client, auth, monkeypatch, hiring):
    def fail(scope, generation_map):
        raise RuntimeError("boom")

    with monkeypatch.context() as patched:
        patched.setitem(dashboard_batch.SECTIONS, "stats", fail)
        get(client, auth, BATCH)

    assert "stats" in get(client, auth, BATCH)


@pytest.mark.parametrize(
    ("service", "arguments", "statements"),
    [
        (dashboard_stats, lambda hiring: (None, None), 1),
        (dashboard_stats, lambda hiring: (hiring["acme"]["id"], None), 1),
        (recent_activity, lambda hiring: (None, None, None, None, 100, None), 1),
        (pipeline_summary, lambda hiring: ("job", None, None, 100, None), 1),
        (pipeline_summary, lambda hiring: ("client", None, None, 100, None), 1),
    ],
    ids=["stats", "stats for a client", "recent activity", "pipeline", "pipeline by client"],
)
def test_dashboard_section_statement_count(
    app, hiring, count_statements, service, arguments, statements
):
    def run():
        with app.app_context():
            service.uncached(*arguments(hiring))
            db.session.remove()

    assert count_statements(run) == statements


@pytest.fixture
def spread_applications(app, make_job, make_application):
    """Applications of one client created 1 hour to 40 days ago, around both windows' edges."""
    job = make_job()
    hours_ago = [1, 30, 160, 167, 169, 200, 700, 719, 721, 960]
    ids = [make_application(jobId=job["id"])["id"] for _ in hours_ago]
    with app.app_context():
        for application_id, hours in zip(ids, hours_ago, strict=True):
            db.session.execute(
                text(
                    "UPDATE job_candidates SET created_at = now() - make_interval(hours => :h) "
                    "WHERE id = :id"
                ),
                {"h": hours, "id": application_id},
            )
        db.session.execute(text("UPDATE cache_generations SET generation = generation + 1"))
        db.session.commit()
    return job["clientId"]


def test_stats_new_applications_at_window_edges(client, auth, spread_applications):
    # 7 days are 168 hours and 30 days 720 hours.
    expected = {"last7Days": 4, "last30Days": 8}

    assert get(client, auth, STATS)["newApplications"] == expected


def test_stats_new_applications_same_for_one_client(client, auth, spread_applications):
    scoped = get(client, auth, STATS, clientId=spread_applications)["newApplications"]

    assert scoped == get(client, auth, STATS)["newApplications"]


@pytest.mark.parametrize("include", [",,,", " , "])
def test_batch_include_naming_no_section_is_400(client, auth, include):
    response = client.get(BATCH, query_string={"include": include}, headers=auth)

    assert response.json["error"]["code"] == "unknown_section"


def test_recent_activity_owner_me_keeps_own_jobs(client, make_user, make_job):
    owner, owner_auth = make_user("recruiter")
    mine = client.post(
        "/api/jobs",
        json={"title": "Mine", "clientId": make_job()["clientId"]},
        headers=owner_auth,
    ).get_json()
    rows = get(client, owner_auth, ACTIVITY, ownerId="me", limit=100)["data"]

    assert {row["jobId"] for row in rows} == {mine["id"]}


def test_recent_activity_wrong_type_cursor_is_400(app, client, auth, hiring):
    from itsdangerous import URLSafeSerializer

    from app.services.pagination import CURSOR_SALT, CURSOR_VERSION, filter_fingerprint

    payload = {
        "v": CURSOR_VERSION,
        "r": "recent activity",
        "f": filter_fingerprint(
            {"client_id": None, "job_id": None, "candidate_id": None, "owner_id": None}
        ),
        "s": "id",
        "o": "desc",
        "k": [{"t": "2020-01-01T00:00:00+00:00"}, "5"],
    }
    cursor = URLSafeSerializer(app.config["SECRET_KEY"], salt=CURSOR_SALT).dumps(payload)
    response = client.get(ACTIVITY, query_string={"cursor": cursor}, headers=auth)

    assert response.status_code == 400
