"""The dashboard under a real gunicorn server with several gevent workers and Redis."""

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from served import gunicorn

from tests.conftest import CACHE_KEY_PREFIX, TEST_REDIS_URL

SECTION_DELAY_S = 0.6


def get(url, token):
    """GET ``url``; return ``(status, body, worker pid, seconds taken)``."""
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.monotonic()
    with urllib.request.urlopen(req, timeout=20) as response:
        body = json.loads(response.read())
        return response.status, body, response.headers["X-Worker-Pid"], time.monotonic() - started


def patch(url, token, body):
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="PATCH",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=20) as response:
        return response.headers["X-Worker-Pid"]


def start(tmp_path_factory, database_url, name, **environment):
    log_path = tmp_path_factory.mktemp(name) / "gunicorn.log"
    settings = {
        "DATABASE_URL": database_url,
        "REDIS_URL": TEST_REDIS_URL,
        "CACHE_KEY_PREFIX": f"{CACHE_KEY_PREFIX}{name}:",
        **environment,
    }
    return gunicorn(log_path, settings, app="slow_dashboard_app:app", workers=3)


@pytest.fixture(scope="module")
def server(app, database_url, tmp_path_factory):
    """Three workers; every batch section first sleeps SECTION_DELAY_S in PostgreSQL."""
    slow = ",".join(
        f"{name}={SECTION_DELAY_S}" for name in ("stats", "recent_activity", "pipeline_summary")
    )
    with start(tmp_path_factory, database_url, "concurrent", SLOW_SECTIONS=slow) as served:
        yield served


@pytest.fixture(scope="module")
def timing_out_server(app, database_url, tmp_path_factory):
    """The stats section sleeps past the section timeout."""
    with start(
        tmp_path_factory,
        database_url,
        "timeout",
        SLOW_SECTIONS="stats=3",
        DASHBOARD_SECTION_TIMEOUT_S="1",
    ) as served:
        yield served


@pytest.fixture
def token(make_user):
    return make_user("recruiter")[1]["Authorization"].removeprefix("Bearer ")


@pytest.fixture
def rounds(server, token, make_application):
    """Alternate an application between two stages, reading the stats after each move.

    Returns ``(expected, seen, pids)``: the interview counts each read should show,
    the counts it showed, and the workers that served the writes and reads.
    """
    application = make_application()
    stats_url = f"{server.base}/api/dashboard/stats"
    # Warm the cache first, so that a stale entry would be there to be served.
    get(stats_url, token)
    expected, seen, pids = [], [], set()
    for number in range(10):
        stage = "interview" if number % 2 == 0 else "screening"
        pids.add(
            patch(f"{server.base}/api/job-candidates/{application['id']}", token, {"stage": stage})
        )
        # Several reads at once, so that idle workers take some of them.
        with ThreadPoolExecutor(max_workers=4) as pool:
            reads = list(pool.map(lambda _: get(stats_url, token), range(4)))
        for _, stats, pid, _ in reads:
            pids.add(pid)
            expected.append(1 if stage == "interview" else 0)
            seen.append(stats["applicationsByStage"]["interview"])
    return expected, seen, pids


def test_reads_after_writes_fresh_on_any_worker(rounds):
    expected, seen, _ = rounds

    assert seen == expected


def test_writes_and_reads_spread_over_several_workers(rounds):
    _, _, pids = rounds

    assert len(pids) > 1


def test_repeated_reads_are_cache_hits_across_workers(server, token, make_job):
    make_job()
    url = f"{server.base}/api/dashboard/stats"
    computed = {get(url, token)[1]["computedAt"] for _ in range(6)}

    assert len(computed) == 1


def test_batch_takes_slowest_section_not_sum(server, token, make_job):
    make_job()
    _, _, _, seconds = get(f"{server.base}/api/dashboard/batch", token)

    # One after another the three sections would take 3 x 0.6 = 1.8 s at least.
    assert seconds < 2 * SECTION_DELAY_S


def test_batch_sections_are_really_slowed(server, token):
    _, _, _, seconds = get(f"{server.base}/api/dashboard/batch?include=stats", token)

    assert seconds >= SECTION_DELAY_S


def test_timed_out_section_is_reported(timing_out_server, token):
    _, body, _, _ = get(f"{timing_out_server.base}/api/dashboard/batch", token)

    assert body["errors"]["stats"]["code"] == "timeout"


def test_timed_out_section_leaves_the_others(timing_out_server, token):
    _, body, _, _ = get(f"{timing_out_server.base}/api/dashboard/batch", token)

    assert set(body) == {"recentActivity", "pipelineSummary", "errors"}


def test_timed_out_batch_responds_after_timeout(timing_out_server, token):
    _, _, _, seconds = get(f"{timing_out_server.base}/api/dashboard/batch", token)

    assert seconds < 3
