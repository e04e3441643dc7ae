"""The flask commands: users create, tokens create, seed."""

import pytest
from sqlalchemy import text

from app.extensions import db


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def scalar(app, sql):
    with app.app_context():
        value = db.session.execute(text(sql)).scalar()
        db.session.remove()
    return value


def test_users_create_makes_an_admin(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "boss@example.com",
            "--password",
            "long-enough-pw",
            "--role",
            "admin",
        ]
    )

    assert result.exit_code == 0, result.output
    assert scalar(app, "SELECT role FROM users WHERE email = 'boss@example.com'") == "admin"


def test_users_create_short_password_fails(runner):
    result = runner.invoke(args=["users", "create", "a@example.com", "--password", "short"])

    assert result.exit_code != 0
    assert "password" in result.output


def test_users_create_duplicate_fails(runner):
    runner.invoke(args=["users", "create", "dup@example.com", "--password", "long-enough-pw"])

    result = runner.invoke(
        args=["users", "create", "DUP@example.com", "--password", "long-enough-pw"]
    )

    assert result.exit_code != 0
    assert "already exists" in result.output


def test_users_create_if_missing_is_quiet_for_existing(runner):
    runner.invoke(args=["users", "create", "same@example.com", "--password", "long-enough-pw"])

    result = runner.invoke(
        args=["users", "create", "same@example.com", "--password", "other-password", "--if-missing"]
    )

    assert result.exit_code == 0


def test_tokens_create_prints_a_working_token(app, runner):
    runner.invoke(args=["users", "create", "bot@example.com", "--password", "long-enough-pw"])

    result = runner.invoke(args=["tokens", "create", "bot@example.com", "--name", "ci"])

    token = result.output.strip().splitlines()[-1]
    response = app.test_client().get("/api/jobs", headers={"Authorization": f"Bearer {token}"})
    assert result.exit_code == 0
    assert response.status_code == 200


def test_tokens_revoke_stops_the_token(app, runner):
    runner.invoke(args=["users", "create", "bot@example.com", "--password", "long-enough-pw"])
    token = runner.invoke(args=["tokens", "create", "bot@example.com"]).output.strip()
    listing = runner.invoke(args=["tokens", "list", "bot@example.com"]).output
    token_id = listing.split()[0]

    result = runner.invoke(args=["tokens", "revoke", token_id])

    response = app.test_client().get("/api/jobs", headers={"Authorization": f"Bearer {token}"})
    assert result.exit_code == 0, result.output
    assert response.status_code == 401
    assert "revoked -" not in runner.invoke(args=["tokens", "list", "bot@example.com"]).output


def test_tokens_revoke_unknown_id_fails(runner):
    result = runner.invoke(args=["tokens", "revoke", "6f1c1c9e-2b1a-4a43-9a55-8d0e5b1f0e11"])

    assert result.exit_code != 0
    assert "No token" in result.output


def test_tokens_create_for_unknown_user_fails(runner):
    result = runner.invoke(args=["tokens", "create", "ghost@example.com"])

    assert result.exit_code != 0
    assert "No user" in result.output


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["seed", "--size", "demo"])
    assert result.exit_code == 0, result.output
    return result


def test_seed_demo_loads_every_table(app, seeded):
    assert scalar(app, "SELECT count(*) FROM clients") == 12
    assert scalar(app, "SELECT count(*) FROM jobs") == 60
    assert scalar(app, "SELECT count(*) FROM candidates") == 400
    assert scalar(app, "SELECT count(*) FROM job_candidates") == 1500


def test_seed_reports_progress(seeded):
    assert "job_candidates: 1,500 rows" in seeded.output
    assert "Done in" in seeded.output


def test_seed_activity_ids_follow_time(app, seeded):
    out_of_order = scalar(
        app,
        "SELECT count(*) FROM (SELECT created_at, lag(created_at) OVER (ORDER BY id) AS previous "
        "FROM activities) t WHERE created_at < previous",
    )

    assert out_of_order == 0


def test_seed_logs_creation_of_every_application(app, seeded):
    missing = scalar(
        app,
        "SELECT count(*) FROM job_candidates jc WHERE NOT EXISTS (SELECT 1 FROM activities a "
        "WHERE a.entity_id = jc.id AND a.action = 'created')",
    )

    assert missing == 0


def test_seed_application_stage_matches_last_activity(app, seeded):
    mismatched = scalar(
        app,
        "SELECT count(*) FROM job_candidates jc JOIN LATERAL (SELECT payload FROM activities a "
        "WHERE a.entity_id = jc.id ORDER BY a.id DESC LIMIT 1) last ON true "
        "WHERE COALESCE(last.payload->>'to', last.payload->>'stage') <> jc.stage",
    )

    assert mismatched == 0


def test_seed_applications_follow_their_job_and_candidate(app, seeded):
    too_early = scalar(
        app,
        "SELECT count(*) FROM job_candidates jc JOIN jobs j ON j.id = jc.job_id "
        "JOIN candidates c ON c.id = jc.candidate_id "
        "WHERE jc.created_at < j.created_at OR jc.created_at < c.created_at",
    )

    assert too_early == 0


def test_seed_spreads_stages_and_time(app, seeded):
    stages = scalar(app, "SELECT count(DISTINCT stage) FROM job_candidates")
    span_days = scalar(
        app, "SELECT extract(day FROM max(created_at) - min(created_at)) FROM job_candidates"
    )

    assert stages == 7
    assert span_days > 600


def test_seed_api_serves_seeded_data(app, seeded, auth):
    client = app.test_client()

    jobs = client.get("/api/jobs?limit=50", headers=auth).get_json()

    assert len(jobs["data"]) == 50
    assert jobs["hasNextPage"] is True


def test_seed_refuses_non_empty_database(runner, seeded):
    result = runner.invoke(args=["seed", "--size", "demo"])

    assert result.exit_code != 0
    assert "--reset" in result.output


def test_seed_if_empty_skips_non_empty_database(app, runner, seeded):
    result = runner.invoke(args=["seed", "--size", "demo", "--if-empty"])

    assert result.exit_code == 0
    assert scalar(app, "SELECT count(*) FROM clients") == 12


def test_seed_reset_replaces_data(app, runner, seeded):
    result = runner.invoke(args=["seed", "--size", "demo", "--reset", "--seed", "7"])

    assert result.exit_code == 0, result.output
    assert scalar(app, "SELECT count(*) FROM clients") == 12
    assert scalar(app, "SELECT count(*) FROM users WHERE email LIKE '%@agency.example'") == 5


def test_seed_after_admin_creation_keeps_admin_activity(app, runner):
    runner.invoke(args=["users", "create", "first@example.com", "--password", "long-enough-pw"])

    result = runner.invoke(args=["seed", "--size", "demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert scalar(app, "SELECT count(*) FROM activities WHERE entity_type = 'user'") == 1
    assert scalar(app, "SELECT min(id) FROM activities WHERE entity_type <> 'user'") == 2
