"""Search through gunicorn's gevent workers, as the Procfile serves it."""

import http.client
import urllib.parse

import pytest

from tests.test_served import login, request, served_user  # noqa: F401 - fixtures

HOSTILE = ["c++", "C#", "a & b | !c", "'", '"', ":*", "\\", "!", "😀", "the and", "\x00", "x" * 200]


def search_url(base, q):
    return f"{base}/api/search?" + urllib.parse.urlencode({"q": q})


@pytest.mark.parametrize("q", HOSTILE)
def test_served_search_hostile_input_is_200(server, served_user, q):  # noqa: F811
    token = login(server.base)

    status, body = request(search_url(server.base, q), token=token)

    assert status == 200
    assert isinstance(body["data"], list)


def test_served_search_too_long_is_400(server, served_user):  # noqa: F811
    token = login(server.base)

    status, body = request(search_url(server.base, "x" * 201), token=token)

    assert status == 400
    assert body["error"]["code"] == "invalid_search"


def test_served_search_10000_characters_is_not_500(server, served_user):  # noqa: F811
    # The request line is over gunicorn's 8,190-byte limit, so gunicorn itself
    # rejects it before the app runs.
    token = login(server.base)
    host, port = server.base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)

    connection.request(
        "GET",
        "/api/search?" + urllib.parse.urlencode({"q": "x" * 10_000}),
        headers={"Authorization": f"Bearer {token}"},
    )
    status = connection.getresponse().status
    connection.close()

    assert status in (400, 414)


def test_served_search_finds_new_record_on_next_request(server, served_user):  # noqa: F811
    token = login(server.base)
    created_status, _ = request(
        f"{server.base}/api/candidates",
        method="POST",
        body={"firstName": "Quentin", "lastName": "Servedsearch"},
        token=token,
    )

    # Two workers: several searches reach both, and each must see the new row.
    results = [
        request(search_url(server.base, "servedsearch"), token=token)[1]["total"] for _ in range(6)
    ]

    assert created_status == 201
    assert results == [1] * 6
