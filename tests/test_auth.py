"""Login, bearer tokens and the role rule for writes."""

import datetime as dt

import pytest

from app.extensions import db
from app.models import ApiToken
from app.services.exceptions import AuthenticationFailed
from app.services.tokens import (
    authenticate_caller,
    authenticate_token,
    hash_token,
    issue_token,
    revoke_token,
)
from app.services.users import create_user

PASSWORD = "correct-horse-battery"


@pytest.fixture
def account(app):
    with app.app_context():
        user = create_user("Alex@Example.com", PASSWORD, role="recruiter", name="Alex Doe")
        db.session.remove()
    return user


def test_login_returns_token_and_user(client, account):
    response = client.post(
        "/api/auth/login", json={"email": "alex@example.com", "password": PASSWORD}
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["token"].startswith("ats_")
    assert body["user"]["email"] == "Alex@Example.com"
    assert body["user"]["role"] == "recruiter"
    assert "password" not in body["user"]
    assert "passwordHash" not in body["user"]


def test_login_token_opens_the_api(client, account):
    token = client.post(
        "/api/auth/login", json={"email": "alex@example.com", "password": PASSWORD}
    ).get_json()["token"]

    response = client.get("/api/clients", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200


def test_login_stores_only_token_hash(app, client, account):
    token = client.post(
        "/api/auth/login", json={"email": "alex@example.com", "password": PASSWORD}
    ).get_json()["token"]

    with app.app_context():
        stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert token not in stored
    assert hash_token(token) in stored


def test_login_wrong_password_and_unknown_email_fail_alike(client, account):
    wrong_password = client.post(
        "/api/auth/login", json={"email": "alex@example.com", "password": "not-the-password"}
    )
    unknown_email = client.post(
        "/api/auth/login", json={"email": "nobody@example.com", "password": PASSWORD}
    )

    assert wrong_password.status_code == 401
    assert unknown_email.status_code == 401
    assert wrong_password.get_json() == unknown_email.get_json()
    assert wrong_password.get_json()["error"]["code"] == "unauthorized"


def test_login_missing_password_is_422(client):
    response = client.post("/api/auth/login", json={"email": "alex@example.com"})

    assert response.status_code == 422
    assert "password" in response.get_json()["error"]["fields"]


def test_login_seeded_account_cannot_log_in(app, client):
    with app.app_context():
        user = create_user("seeded@example.com", PASSWORD, role="recruiter")
        db.session.get(type(user), user.id).password_hash = "!"
        db.session.commit()
        db.session.remove()

    response = client.post("/api/auth/login", json={"email": "seeded@example.com", "password": "!"})

    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer ats_not-a-real-token",
        "Bearer " + "x" * 5000,
        "Token abc",
    ],
)
def test_api_without_valid_token_is_401(client, header):
    headers = {"Authorization": header} if header is not None else {}

    response = client.get("/api/jobs", headers=headers)

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_token_with_lone_surrogate_is_rejected(app):
    # A WebSocket auth message can carry one, through the JSON escape \ud800.
    with app.app_context(), pytest.raises(AuthenticationFailed):
        authenticate_token("ats_\ud800")


def test_caller_has_user_id_role_and_token(app, account):
    with app.app_context():
        token, text = issue_token(db.session.merge(account), name="caller")
        caller = authenticate_caller(text)
        db.session.remove()

    assert (caller.id, caller.role, caller.token_id) == (account.id, "recruiter", token.id)


def test_caller_of_revoked_token_is_rejected(app, account):
    with app.app_context():
        token, text = issue_token(db.session.merge(account), name="revoked")
        revoke_token(token.id)
        with pytest.raises(AuthenticationFailed):
            authenticate_caller(text)
        db.session.remove()


def test_caller_of_unknown_token_is_rejected(app):
    with app.app_context(), pytest.raises(AuthenticationFailed):
        authenticate_caller("ats_" + "x" * 43)


def test_expired_token_is_401(app, client, account):
    with app.app_context():
        user = db.session.merge(account)
        _, token = issue_token(
            user, name="old", expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        )
        db.session.remove()

    response = client.get("/api/jobs", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert "expired" in response.get_json()["error"]["message"]


def test_revoked_token_is_401(app, client, account):
    with app.app_context():
        user = db.session.merge(account)
        token_row, token = issue_token(user, name="revoked")
        db.session.get(ApiToken, token_row.id).revoked_at = dt.datetime.now(dt.UTC)
        db.session.commit()
        db.session.remove()

    response = client.get("/api/jobs", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401


def test_token_use_records_last_used_time(app, client, account):
    with app.app_context():
        token_row, token = issue_token(db.session.merge(account), name="script")
        db.session.remove()

    client.get("/api/jobs", headers={"Authorization": f"Bearer {token}"})

    with app.app_context():
        assert db.session.get(ApiToken, token_row.id).last_used_at is not None


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/clients", {"name": "Viewer Co"}),
        ("post", "/api/candidates", {"firstName": "A", "lastName": "B"}),
        ("post", "/api/jobs", {"clientId": "00000000-0000-4000-8000-000000000000", "title": "T"}),
        (
            "post",
            "/api/job-candidates",
            {
                "jobId": "00000000-0000-4000-8000-000000000000",
                "candidateId": "00000000-0000-4000-8000-000000000000",
            },
        ),
    ],
)
def test_viewer_create_is_403(client, viewer_auth, method, path, body):
    response = getattr(client, method)(path, json=body, headers=viewer_auth)

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_viewer_update_and_delete_are_403(client, viewer_auth, make_client_record):
    record = make_client_record()

    patch = client.patch(f"/api/clients/{record['id']}", json={"name": "X"}, headers=viewer_auth)
    delete = client.delete(f"/api/clients/{record['id']}", headers=viewer_auth)

    assert patch.status_code == 403
    assert delete.status_code == 403


def test_viewer_can_read(client, viewer_auth, make_client_record):
    record = make_client_record()

    listing = client.get("/api/clients", headers=viewer_auth)
    detail = client.get(f"/api/clients/{record['id']}", headers=viewer_auth)

    assert listing.status_code == 200
    assert detail.status_code == 200


def test_viewer_write_leaves_no_row(client, viewer_auth, auth):
    client.post("/api/clients", json={"name": "Viewer Co"}, headers=viewer_auth)

    listing = client.get("/api/clients", headers=auth).get_json()

    assert listing["data"] == []


def test_logout_revokes_the_token(client, account):
    token = client.post(
        "/api/auth/login", json={"email": "alex@example.com", "password": PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    logout = client.post("/api/auth/logout", headers=headers)
    after = client.get("/api/clients", headers=headers)

    assert logout.status_code == 204
    assert after.status_code == 401


def test_logout_without_token_is_401(client):
    response = client.post("/api/auth/logout")

    assert response.status_code == 401
