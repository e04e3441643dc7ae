"""Request metrics: the JSON summary for admins, the Prometheus text, and every worker counted."""

import time

import pytest

from app.observability import metrics
from app.observability.summary import bucket_percentile
from tests.gunicorn_server import http_request, start_gunicorn

HEALTH = ("GET", "/health")


def route_entry(summary, method, route):
    for entry in summary["routes"]:
        if (entry["method"], entry["route"]) == (method, route):
            return entry
    return {"count": 0, "errors": 0, "statuses": {}}


@pytest.fixture
def admin_auth(make_user):
    return make_user("admin")[1]


def test_metrics_summary_counts_request_and_status(client, admin_auth):
    before = client.get("/api/metrics", headers=admin_auth).get_json()

    client.get("/health")
    client.get("/health")
    after = client.get("/api/metrics", headers=admin_auth).get_json()

    assert route_entry(after, *HEALTH)["count"] - route_entry(before, *HEALTH)["count"] == 2
    assert (
        route_entry(after, *HEALTH)["statuses"]["200"]
        - route_entry(before, *HEALTH)["statuses"].get("200", 0)
        == 2
    )


def test_metrics_summary_counts_errors(app, client, admin_auth):
    route = ("GET", "/api/clients")
    before = route_entry(client.get("/api/metrics", headers=admin_auth).get_json(), *route)

    client.get("/api/clients")
    after = route_entry(client.get("/api/metrics", headers=admin_auth).get_json(), *route)

    assert after["statuses"]["401"] - before["statuses"].get("401", 0) == 1
    assert after["errors"] == before["errors"]


def test_metrics_summary_has_latency_fields(client, admin_auth):
    client.get("/health")

    latency = route_entry(client.get("/api/metrics", headers=admin_auth).get_json(), *HEALTH)[
        "latencyMs"
    ]

    assert set(latency) == {"min", "mean", "max", "p50", "p95", "p99"}
    assert latency["min"] <= latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"]


def test_metrics_summary_has_pool_cache_and_websocket(client, admin_auth):
    metrics.count_cache_hit("test")
    metrics.count_cache_miss("test")

    body = client.get("/api/metrics", headers=admin_auth).get_json()

    assert body["databasePool"]["size"] == 5
    assert body["databasePool"]["checkedOut"] >= 0
    assert body["cache"]["hits"] >= 1
    assert body["cache"]["misses"] >= 1
    assert set(body["websocket"]) == {"connections", "eventsSent"}


@pytest.mark.parametrize("role", ["viewer", "recruiter"])
def test_metrics_summary_is_admin_only(client, make_user, role):
    response = client.get("/api/metrics", headers=make_user(role)[1])

    assert response.status_code == 403


def test_metrics_summary_needs_token(client):
    assert client.get("/api/metrics").status_code == 401


def test_prometheus_text_counts_requests(client):
    client.get("/health")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    assert 'http_requests_total{method="GET",route="/health",status="200"}' in response.text
    assert "db_pool_checked_out" in response.text


def test_prometheus_text_requires_configured_token(app, database_url):
    from app import create_app
    from tests.conftest import make_config

    client = create_app(make_config(database_url, METRICS_BEARER_TOKEN="scrape-me")).test_client()

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).status_code == 200


def test_bucket_percentile_interpolates_inside_bucket():
    buckets = [(0.01, 0.0), (0.02, 100.0), (float("inf"), 100.0)]

    assert bucket_percentile(buckets, 0.5, 0.011, 0.019) == pytest.approx(0.015)


def test_bucket_percentile_is_bounded_by_max():
    buckets = [(0.01, 0.0), (1.0, 0.0), (float("inf"), 10.0)]

    assert bucket_percentile(buckets, 0.99, 2.0, 3.5) <= 3.5


@pytest.fixture(scope="module")
def two_worker_server(app, database_url, tmp_path_factory):
    server = start_gunicorn(
        tmp_path_factory.mktemp("metrics") / "gunicorn.log",
        {"DATABASE_URL": database_url},
        workers=2,
    )
    yield server
    server.stop()


def test_served_metrics_count_every_worker(two_worker_server, make_user):
    admin_auth = make_user("admin")[1]
    base = two_worker_server.base
    before = route_entry(http_request(f"{base}/api/metrics", headers=admin_auth)[2], *HEALTH)

    sent_ids = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for _ in range(10):
            request_id = f"count-worker-{len(sent_ids):04d}"
            http_request(f"{base}/health", headers={"X-Request-ID": request_id})
            sent_ids.append(request_id)
        time.sleep(0.1)
        access = [line for line in two_worker_server.log_lines() if line.get("requestId")]
        pids = {line["pid"] for line in access if line["requestId"] in sent_ids}
        if len(pids) == 2:
            break
    after = route_entry(http_request(f"{base}/api/metrics", headers=admin_auth)[2], *HEALTH)

    assert len(pids) == 2
    assert after["count"] - before["count"] == len(sent_ids)


def test_served_prometheus_text_sums_workers(two_worker_server):
    base = two_worker_server.base
    for _ in range(6):
        http_request(f"{base}/ready")

    status, _, body = http_request(f"{base}/metrics")

    text = body.decode()
    samples = [
        line
        for line in text.splitlines()
        if line.startswith('http_requests_total{method="GET",route="/ready",status="200"}')
    ]
    assert status == 200
    assert len(samples) == 1
    assert float(samples[0].split()[-1]) >= 6
