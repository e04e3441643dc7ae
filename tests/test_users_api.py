"""User administration by admins, and the password policy."""

import pytest

from app.services.password_policy import COMMON_PASSWORDS

NEW_PASSWORD = "a-long-unusual-passphrase"


def create_user(client, headers, **overrides):
    body = {"email": "new@example.com", "role": "viewer", "password": NEW_PASSWORD, **overrides}
    return client.post("/api/users", json=body, headers=headers)


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def test_users_create_by_admin(client, admin):
    response = create_user(client, admin[1])

    assert response.status_code == 201
    body = response.get_json()
    assert body["role"] == "viewer"
    assert "password" not in body
    login = client.post(
        "/api/auth/login", json={"email": "new@example.com", "password": NEW_PASSWORD}
    )
    assert login.status_code == 200


@pytest.mark.parametrize("role", ["recruiter", "viewer"])
def test_users_create_by_non_admin_is_403(client, make_user, role):
    _, headers = make_user(role)

    response = create_user(client, headers)

    assert response.status_code == 403


@pytest.mark.parametrize("password", ["short-pw", "x" * 1025])
def test_users_password_length_is_checked(client, admin, password):
    response = create_user(client, admin[1], password=password)

    assert response.status_code == 422
    assert "password" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("password", ["password123", "QWERTYUIOP", "1234567890"])
def test_users_common_password_is_422(client, admin, password):
    response = create_user(client, admin[1], password=password)

    assert response.status_code == 422
    assert "too common" in response.get_json()["error"]["fields"]["password"][0]


def test_users_common_list_entries_pass_length_rule():
    assert all(len(password) >= 10 for password in COMMON_PASSWORDS)


def test_users_password_equal_to_email_is_422(client, admin):
    response = create_user(
        client, admin[1], email="long.address@example.com", password="Long.Address@example.com"
    )

    assert response.status_code == 422


def test_users_duplicate_email_is_409(client, admin):
    create_user(client, admin[1])

    response = create_user(client, admin[1], email="NEW@example.com")

    assert response.status_code == 409


def test_users_list_by_admin(client, admin):
    response = client.get("/api/users", headers=admin[1])

    assert response.status_code == 200
    assert [user["id"] for user in response.get_json()["data"]] == [str(admin[0].id)]


def test_users_patch_role_applies_to_next_request(client, admin, make_user):
    user, headers = make_user("recruiter")

    response = client.patch(f"/api/users/{user.id}", json={"role": "viewer"}, headers=admin[1])

    assert response.status_code == 200
    denied = client.post("/api/clients", json={"name": "Demoted Co"}, headers=headers)
    assert denied.status_code == 403


def test_users_patch_password_revokes_tokens(client, admin, make_user):
    user, headers = make_user("recruiter")

    response = client.patch(
        f"/api/users/{user.id}", json={"password": NEW_PASSWORD}, headers=admin[1]
    )

    assert response.status_code == 200
    assert client.get("/api/clients", headers=headers).status_code == 401


def test_users_patch_common_password_is_422(client, admin, make_user):
    user, _ = make_user("recruiter")

    response = client.patch(
        f"/api/users/{user.id}", json={"password": "password123"}, headers=admin[1]
    )

    assert response.status_code == 422


def test_users_admin_cannot_drop_own_admin_role(client, admin):
    response = client.patch(f"/api/users/{admin[0].id}", json={"role": "viewer"}, headers=admin[1])

    assert response.status_code == 422
    assert "role" in response.get_json()["error"]["fields"]


def test_users_unknown_id_is_404(client, admin):
    response = client.get("/api/users/00000000-0000-0000-0000-000000000000", headers=admin[1])

    assert response.status_code == 404
