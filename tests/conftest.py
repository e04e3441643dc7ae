"""Fixtures: a fresh PostgreSQL database per test run, the app, clients and factories.

The server is the one at TEST_DATABASE_URL (an admin URL such as
postgresql://postgres@127.0.0.1:5432/postgres) or, when that is unset, the embedded
PostgreSQL of this checkout. Each run creates its own database, builds it with the
migrations, and drops it at the end. Tables are emptied after every test.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
import redis
from flask_migrate import upgrade
from psycopg2 import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.services.tokens import issue_token
from app.services.users import create_user
from config import TestConfig
from config import database_url as sqlalchemy_url
from tests.served import gunicorn_server

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Redis is shared with other runs and other programs: every key this run writes
# contains this prefix, and only those keys are deleted.
REDIS_KEY_PREFIX = TestConfig.REDIS_KEY_PREFIX
TABLES = (
    "activities",
    "job_candidates",
    "jobs",
    "candidates",
    "clients",
    "api_tokens",
    "users",
    # Agency-wide totals: no foreign key makes TRUNCATE CASCADE reach them.
    "dashboard_counters",
    "application_days",
)
# The Redis the tests cache in, and the prefix of every cache key of this run.
TEST_REDIS_URL = TestConfig.REDIS_URL
CACHE_KEY_PREFIX = TestConfig.CACHE_KEY_PREFIX
TRUNCATE_ALL = text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


def _admin_url():
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        return configured
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "embedded_postgres.py")],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def _libpq_url(url):
    """Return a URL psycopg2 accepts, whatever driver suffix it carries."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(admin_url, name):
    connection = psycopg2.connect(_libpq_url(admin_url))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url, name):
    connection = psycopg2.connect(_libpq_url(admin_url))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    connection.close()


@pytest.fixture(scope="session")
def admin_database_url():
    """URL of the server's maintenance database, for tests that create databases."""
    return _admin_url()


@pytest.fixture(scope="session")
def database_url(admin_database_url):
    """URL of a database created for this test run and dropped after it."""
    name = f"ats_test_{os.getpid()}_{secrets.token_hex(3)}"
    url = create_database(admin_database_url, name)
    yield url
    drop_database(admin_database_url, name)


def cache_settings(redis_url=TEST_REDIS_URL, prefix=CACHE_KEY_PREFIX):
    """The config keys of a Redis-backed cache, as config.py sets them for REDIS_URL."""
    return {
        "CACHE_TYPE": "app.caching.resilient_redis.ResilientRedisCache",
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "CACHE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
    }


def make_config(database_url, **overrides):
    """Return a TestConfig subclass bound to ``database_url``."""
    return type(
        "BoundTestConfig",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(database_url),
            **overrides,
        },
    )


def delete_redis_keys(redis_url):
    """Delete the keys of this run, whatever module wrote them."""
    connection = redis.Redis.from_url(redis_url)
    keys = list(connection.scan_iter(match=f"*{REDIS_KEY_PREFIX}*", count=1000))
    if keys:
        connection.delete(*keys)
    connection.close()


@pytest.fixture(scope="session")
def redis_url():
    """URL of the Redis server the tests use; keys carry REDIS_KEY_PREFIX."""
    return TestConfig.REDIS_URL


@pytest.fixture(scope="session")
def app(database_url):
    """The application, on a database built by running the migrations."""
    application = create_app(make_config(database_url))
    with application.app_context():
        upgrade()
    yield application
    delete_redis_keys(TestConfig.REDIS_URL)


def truncate_all(application):
    with application.app_context():
        db.session.remove()
        db.session.execute(TRUNCATE_ALL)
        # Bump the generations, so no read serves the previous test's cached results.
        db.session.execute(text("UPDATE cache_generations SET generation = generation + 1"))
        db.session.commit()


@pytest.fixture(autouse=True)
def clean_tables(request):
    """Delete the run's Redis keys (rate-limit counters) after each test, and empty
    every table after each test that used the app.

    Tests marked ``keeps_data`` share rows loaded once for their module, which
    empties the tables itself when it is done.
    """
    yield
    delete_redis_keys(TestConfig.REDIS_URL)
    if "app" not in request.fixturenames:
        return
    if request.node.get_closest_marker("keeps_data"):
        return
    truncate_all(request.getfixturevalue("app"))


@pytest.fixture(scope="module")
def demo_data(app):
    """The demo seed, loaded once for a module whose tests are marked ``keeps_data``."""
    result = app.test_cli_runner().invoke(args=["seed", "--size", "demo", "--seed", "3"])
    assert result.exit_code == 0, result.output
    yield
    truncate_all(app)


@pytest.fixture
def count_statements(app):
    """Return a function that runs a callable and returns how many SQL statements it sent."""

    def count(action):
        return len(statements_sent(app, action))

    return count


def statements_sent(app, action):
    """Run ``action()``; return the SQL statements that ``app``'s engine sent meanwhile."""
    from sqlalchemy import event

    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


@pytest.fixture(scope="module")
def server(app, database_url, redis_url, tmp_path_factory):
    """gunicorn serving the test database, with the run's Redis key prefix."""
    environment = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": REDIS_KEY_PREFIX}
    with gunicorn_server(
        database_url, tmp_path_factory.mktemp("gunicorn"), environment=environment
    ) as served:
        yield served


@pytest.fixture
def client(app):
    """A Flask test client."""
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create a user with a token; return ``(user, headers)``."""
    counter = iter(range(1_000_000))

    def make(role="recruiter", email=None, password="correct-horse-battery"):
        email = email or f"{role}{next(counter)}@example.com"
        with app.app_context():
            user = create_user(email, password, role=role, name=f"Test {role.title()}")
            _, token = issue_token(user, name="test")
            db.session.remove()
        return user, {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def auth(make_user):
    """Headers of a recruiter, who may read and write."""
    return make_user("recruiter")[1]


@pytest.fixture
def viewer_auth(make_user):
    """Headers of a viewer, who may only read."""
    return make_user("viewer")[1]


@pytest.fixture
def make_client_record(client, auth):
    """Create a client through the API; return its JSON."""
    counter = iter(range(1_000_000))

    def make(**overrides):
        body = {"name": f"Client {next(counter)}", "industry": "Software", **overrides}
        response = client.post("/api/clients", json=body, headers=auth)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def make_job(client, auth, make_client_record):
    """Create a job through the API (with a new client unless given); return its JSON."""

    def make(**overrides):
        if "clientId" not in overrides:
            overrides["clientId"] = make_client_record()["id"]
        body = {"title": "Backend Engineer", **overrides}
        response = client.post("/api/jobs", json=body, headers=auth)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def make_candidate(client, auth):
    """Create a candidate through the API; return its JSON."""
    counter = iter(range(1_000_000))

    def make(**overrides):
        number = next(counter)
        body = {
            "firstName": "Ada",
            "lastName": f"Lovelace{number}",
            "email": f"ada{number}@example.com",
            **overrides,
        }
        response = client.post("/api/candidates", json=body, headers=auth)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def make_application(client, auth, make_job, make_candidate):
    """Put a candidate on a job through the API (new ones unless given); return its JSON."""

    def make(**overrides):
        if "jobId" not in overrides:
            overrides["jobId"] = make_job()["id"]
        if "candidateId" not in overrides:
            overrides["candidateId"] = make_candidate()["id"]
        response = client.post("/api/job-candidates", json=overrides, headers=auth)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture
def activities(app):
    """Return the activity rows as dicts, oldest first."""
    from app.models import Activity

    def fetch(**filters):
        with app.app_context():
            query = db.select(Activity).filter_by(**filters).order_by(Activity.id)
            rows = db.session.scalars(query).all()
            result = [
                {
                    "action": row.action,
                    "entity_type": row.entity_type,
                    "entity_id": str(row.entity_id),
                    "actor_id": str(row.actor_id) if row.actor_id else None,
                    "job_id": str(row.job_id) if row.job_id else None,
                    "candidate_id": str(row.candidate_id) if row.candidate_id else None,
                    "client_id": str(row.client_id) if row.client_id else None,
                    "payload": row.payload,
                    "created_at": row.created_at,
                }
                for row in rows
            ]
            db.session.remove()
        return result

    return fetch


@pytest.fixture
def build_world(client, make_user, make_job, make_candidate, make_application):
    """Return a function that creates, for one role, the rows the routes of
    tests/route_table.py need: ``build_world(role)`` returns the caller's headers and
    login, and the ids that fill path parameters.

    Users are created once per test, because hashing their passwords is the slow part.
    """
    password = "role-table-password"
    callers = {
        role: make_user(role, password=password) for role in ("viewer", "recruiter", "admin")
    }
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
