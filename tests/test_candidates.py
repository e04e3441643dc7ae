"""Candidates: CRUD, email uniqueness, skills, filters, deletion."""

import pytest


def test_candidates_create_returns_record(client, auth):
    response = client.post(
        "/api/candidates",
        json={
            "firstName": "Grace",
            "lastName": "Hopper",
            "email": "grace@example.com",
            "phone": "+1 (555) 010-2030",
            "currentTitle": "Rear Admiral",
            "skills": ["COBOL", "Compilers"],
            "source": "referral",
        },
        headers=auth,
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["firstName"] == "Grace"
    assert body["skills"] == ["COBOL", "Compilers"]
    assert body["source"] == "referral"


def test_candidates_create_records_activity(client, auth, make_candidate, activities):
    record = make_candidate()

    rows = activities(entity_type="candidate")

    assert len(rows) == 1
    assert rows[0]["action"] == "created"
    assert rows[0]["candidate_id"] == record["id"]


def test_candidates_create_without_email_is_allowed(client, auth):
    response = client.post(
        "/api/candidates", json={"firstName": "No", "lastName": "Email"}, headers=auth
    )

    assert response.status_code == 201
    assert response.get_json()["email"] is None


def test_candidates_duplicate_email_ignoring_case_is_409(client, auth, make_candidate):
    make_candidate(email="dup@example.com")

    response = client.post(
        "/api/candidates",
        json={"firstName": "B", "lastName": "C", "email": "DUP@Example.com"},
        headers=auth,
    )

    assert response.status_code == 409
    assert "email" in response.get_json()["error"]["fields"]


def test_candidates_skills_drop_repeats_ignoring_case(client, auth, make_candidate):
    record = make_candidate(skills=["Python", "python", " SQL ", "PYTHON"])

    assert record["skills"] == ["Python", "SQL"]


def test_candidates_list_filters_by_skill_ignoring_case(client, auth, make_candidate):
    pythonista = make_candidate(skills=["Python", "Django"])
    make_candidate(skills=["Java"])

    response = client.get("/api/candidates?skill=PYTHON", headers=auth)

    assert [row["id"] for row in response.get_json()["data"]] == [pythonista["id"]]


@pytest.mark.parametrize(
    ("stored", "query"),
    [("İstanbul", "İstanbul"), ("ΣΊΣΥΦΟΣ", "σίσυφος"), ("Straße", "STRASSE"), ("C#", "c#")],
)
def test_candidates_skill_filter_folds_unicode_case(client, auth, make_candidate, stored, query):
    record = make_candidate(skills=[stored])

    response = client.get("/api/candidates", query_string={"skill": query}, headers=auth)

    assert [row["id"] for row in response.get_json()["data"]] == [record["id"]]


def test_candidates_skill_filter_ignores_unicode_form(client, auth, make_candidate):
    record = make_candidate(skills=["Caf\u00e9"])

    response = client.get("/api/candidates", query_string={"skill": "Cafe\u0301"}, headers=auth)

    assert [row["id"] for row in response.get_json()["data"]] == [record["id"]]


@pytest.mark.parametrize("value", ["", "   "])
def test_candidates_blank_skill_filter_is_422(client, auth, value):
    response = client.get("/api/candidates", query_string={"skill": value}, headers=auth)

    assert response.status_code == 422
    assert "skill" in response.get_json()["error"]["fields"]


def test_candidates_skills_fold_like_the_filter(client, auth, make_candidate):
    record = make_candidate(skills=["Straße", "STRASSE"])

    assert record["skills"] == ["Straße"]


def test_candidates_list_filters_by_source(client, auth, make_candidate):
    referral = make_candidate(source="referral")
    make_candidate(source="linkedin")

    response = client.get("/api/candidates?source=referral", headers=auth)

    assert [row["id"] for row in response.get_json()["data"]] == [referral["id"]]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"firstName": ""}, "firstName"),
        ({"lastName": None}, "lastName"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@" + "b" * 260 + ".com"}, "email"),
        ({"phone": "call me maybe"}, "phone"),
        ({"phone": "---"}, "phone"),
        ({"phone": "..."}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"skills": "Python"}, "skills"),
        ({"skills": ["ok", ""]}, "skills.1"),
        ({"skills": ["s"] * 51}, "skills"),
        ({"skills": [1, 2]}, "skills.0"),
        ({"source": "carrier pigeon"}, "source"),
        ({"notes": "\u0000"}, "notes"),
        ({"currentTitle": "x" * 201}, "currentTitle"),
    ],
)
def test_candidates_create_invalid_body_is_422(client, auth, overrides, field):
    body = {"firstName": "Ada", "lastName": "Lovelace", **overrides}

    response = client.post("/api/candidates", json=body, headers=auth)

    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_candidates_create_accepts_unicode_and_emoji(client, auth):
    response = client.post(
        "/api/candidates",
        json={"firstName": "José", "lastName": "Ñúñez 🚀", "currentCompany": "Zürich AG"},
        headers=auth,
    )

    assert response.status_code == 201
    assert response.get_json()["lastName"] == "Ñúñez 🚀"


def test_candidates_patch_skills_replaces_list(client, auth, make_candidate, activities):
    record = make_candidate(skills=["Go"])

    response = client.patch(
        f"/api/candidates/{record['id']}", json={"skills": ["Rust", "Go"]}, headers=auth
    )

    assert response.get_json()["skills"] == ["Rust", "Go"]
    assert activities(action="updated")[0]["payload"] == {"fields": ["skills"]}


def test_candidates_patch_without_skills_keeps_them(client, auth, make_candidate):
    record = make_candidate(skills=["Go"])

    response = client.patch(
        f"/api/candidates/{record['id']}", json={"phone": "555 0100"}, headers=auth
    )

    assert response.get_json()["skills"] == ["Go"]


def test_candidates_delete_with_applications_is_409(client, auth, make_application):
    application = make_application()

    response = client.delete(f"/api/candidates/{application['candidateId']}", headers=auth)

    assert response.status_code == 409


def test_candidates_delete_cascade_keeps_the_job(client, auth, make_application):
    application = make_application()

    response = client.delete(
        f"/api/candidates/{application['candidateId']}?cascade=true", headers=auth
    )

    assert response.status_code == 204
    assert client.get(f"/api/jobs/{application['jobId']}", headers=auth).status_code == 200
    assert client.get(f"/api/job-candidates/{application['id']}", headers=auth).status_code == 404


def test_candidates_activity_holds_no_personal_data(client, auth, make_candidate, activities):
    record = make_candidate(firstName="Secretia", email="secretia@example.com")
    client.delete(f"/api/candidates/{record['id']}", headers=auth)

    payloads = str([row["payload"] for row in activities(entity_type="candidate")])

    assert "Secretia" not in payloads
    assert "secretia@example.com" not in payloads
