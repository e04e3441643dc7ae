"""Token management over REST: create, list and revoke, and the revocation signal."""

import datetime as dt

import pytest

from app.services.tokens import token_revoked


@pytest.fixture
def revocations(app):
    """Record every token_revoked signal sent while the test runs."""
    received = []

    def record(sender, token_ids, user_id):
        received.append(
            {"token_ids": [str(token_id) for token_id in token_ids], "user_id": user_id}
        )

    token_revoked.connect(record, app)
    yield received
    token_revoked.disconnect(record, app)


def create_token(client, headers, **body):
    return client.post("/api/tokens", json={"name": "ci", **body}, headers=headers)


def test_tokens_create_returns_text_once(client, auth):
    response = create_token(client, auth)

    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("ats_")
    assert body["name"] == "ci"
    assert body["expiresAt"] is None
    listed = client.get("/api/tokens", headers=auth).get_json()["data"]
    assert all("token" not in token for token in listed)


def test_tokens_created_token_opens_the_api(client, auth):
    token = create_token(client, auth).get_json()["token"]

    response = client.get("/api/clients", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200


def test_tokens_create_with_expiry(client, auth):
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()

    response = create_token(client, auth, expiresAt=expires)

    assert response.status_code == 201
    assert response.get_json()["expiresAt"].startswith(expires[:16])


def test_tokens_create_with_past_expiry_is_422(client, auth):
    expires = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()

    response = create_token(client, auth, expiresAt=expires)

    assert response.status_code == 422
    assert "expiresAt" in response.get_json()["error"]["fields"]


def test_tokens_create_without_name_is_422(client, auth):
    response = client.post("/api/tokens", json={}, headers=auth)

    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]


def test_tokens_list_shows_only_own_tokens(client, make_user):
    _, alice = make_user("recruiter")
    _, bob = make_user("viewer")
    create_token(client, alice, name="alice-ci")

    names = [token["name"] for token in client.get("/api/tokens", headers=bob).get_json()["data"]]

    assert "alice-ci" not in names


def test_tokens_delete_revokes_at_once(client, auth):
    created = create_token(client, auth).get_json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/clients", headers=headers).status_code == 200

    response = client.delete(f"/api/tokens/{created['id']}", headers=auth)

    assert response.status_code == 204
    assert client.get("/api/clients", headers=headers).status_code == 401


def test_tokens_delete_sends_revocation_signal(client, auth, revocations):
    created = create_token(client, auth).get_json()

    client.delete(f"/api/tokens/{created['id']}", headers=auth)

    assert revocations[-1]["token_ids"] == [created["id"]]


def test_tokens_delete_of_other_users_token_is_404(client, make_user):
    _, alice = make_user("recruiter")
    _, bob = make_user("recruiter")
    created = create_token(client, alice).get_json()

    response = client.delete(f"/api/tokens/{created['id']}", headers=bob)

    assert response.status_code == 404
    alice_token = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/clients", headers=alice_token).status_code == 200


def test_tokens_admin_deletes_any_token(client, make_user):
    _, alice = make_user("viewer")
    _, admin = make_user("admin")
    created = create_token(client, alice).get_json()

    response = client.delete(f"/api/tokens/{created['id']}", headers=admin)

    assert response.status_code == 204
    alice_token = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/clients", headers=alice_token).status_code == 401


def test_tokens_unknown_id_is_404(client, auth):
    response = client.delete("/api/tokens/00000000-0000-0000-0000-000000000000", headers=auth)

    assert response.status_code == 404


def test_logout_sends_revocation_signal(client, auth, revocations):
    response = client.post("/api/auth/logout", headers=auth)

    assert response.status_code == 204
    assert len(revocations) == 1


def test_users_tokens_delete_revokes_all_and_signals(client, make_user, revocations):
    user, headers = make_user("recruiter")
    second = create_token(client, headers).get_json()
    _, admin = make_user("admin")

    response = client.delete(f"/api/users/{user.id}/tokens", headers=admin)

    assert response.status_code == 204
    assert client.get("/api/clients", headers=headers).status_code == 401
    second_headers = {"Authorization": f"Bearer {second['token']}"}
    assert client.get("/api/clients", headers=second_headers).status_code == 401
    assert len(revocations[-1]["token_ids"]) == 2
    assert revocations[-1]["user_id"] == user.id


def test_users_tokens_list_by_admin(client, make_user):
    user, headers = make_user("viewer")
    _, admin = make_user("admin")

    response = client.get(f"/api/users/{user.id}/tokens", headers=admin)

    assert response.status_code == 200
    assert [token["userId"] for token in response.get_json()["data"]] == [str(user.id)]


def test_users_tokens_list_of_other_user_is_403(client, make_user):
    user, _ = make_user("viewer")
    _, recruiter = make_user("recruiter")

    response = client.get(f"/api/users/{user.id}/tokens", headers=recruiter)

    assert response.status_code == 403
