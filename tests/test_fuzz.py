"""Schemathesis against the OpenAPI document of a real gunicorn server.

It generates requests for every operation from the served document and fails on
any 5xx response, any response that breaks its documented schema or content type,
and any status code the operation does not document. The README's test section has
the same command for a server started by hand.
"""

import subprocess
import sys

import pytest

from app.extensions import db
from app.services.tokens import issue_token
from app.services.users import create_user

# About two minutes for the whole document on a 2-core machine; raise it locally
# for a deeper search.
MAX_EXAMPLES = 10
SEED = 8
CHECKS = (
    "not_a_server_error,status_code_conformance,"
    "response_schema_conformance,content_type_conformance"
)
# Operations that can revoke the fuzzer's own token: once it is revoked every later
# request gets 401, so they run apart, each with a token of its own.
REVOKING_PATHS = r"^/api/(tokens/\{token_id\}|users/\{user_id\}(/tokens)?)$"


def run_schemathesis(server, token, *filters, phases=None, cwd):
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{server.base}/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "2",
        "--no-color",
        *filters,
    ]
    if phases:
        command += ["--phases", phases]
    return subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=cwd)


@pytest.fixture
def admin_tokens(app):
    """Return a function that makes a new admin and returns a token of theirs."""
    counter = iter(range(100))

    def make():
        with app.app_context():
            user = create_user(
                f"fuzz{next(counter)}@example.com", "fuzzing-admin-password", role="admin"
            )
            _, token = issue_token(user, name="fuzz")
            db.session.remove()
        return token

    return make


def assert_passed(result):
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]


def test_fuzz_served_api_conforms_to_its_document(server, admin_tokens, tmp_path):
    everything_else = run_schemathesis(
        server,
        admin_tokens(),
        "--exclude-path",
        "/api/auth/logout",
        "--exclude-path-regex",
        REVOKING_PATHS,
        cwd=tmp_path,
    )
    revoking = run_schemathesis(
        server,
        admin_tokens(),
        "--include-path-regex",
        REVOKING_PATHS,
        phases="coverage,fuzzing",
        cwd=tmp_path,
    )
    logout = run_schemathesis(
        server,
        admin_tokens(),
        "--include-path",
        "/api/auth/logout",
        phases="coverage,fuzzing",
        cwd=tmp_path,
    )

    assert_passed(everything_else)
    assert_passed(revoking)
    assert_passed(logout)
