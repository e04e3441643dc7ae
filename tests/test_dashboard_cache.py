"""The dashboard cache: hits, never a stale result after a write, outages, stampedes.

A result served from the cache carries the ``computedAt`` of the read that
computed it, so two reads with the same ``computedAt`` show a cache hit.
"""

import logging
import subprocess
import sys
import threading
import time
import uuid

import pytest
from served import free_port

from app import create_app
from app.caching import generations
from app.caching.memoize import fresh_memoize
from app.extensions import db
from tests.conftest import PROJECT_ROOT, cache_settings, make_config, statements_sent

STATS = "/api/dashboard/stats"
ACTIVITY = "/api/dashboard/recent-activity"
PIPELINE = "/api/dashboard/pipeline-summary"


def read(client, auth, path=STATS, **params):
    response = client.get(path, query_string=params, headers=auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_second_read_is_served_from_the_cache(client, auth, make_job):
    make_job()
    first = read(client, auth)

    assert read(client, auth)["computedAt"] == first["computedAt"]


@pytest.mark.parametrize("path", [STATS, ACTIVITY, PIPELINE, "/api/dashboard/batch"])
def test_warm_read_sends_one_statement(app, client, auth, make_job, path):
    make_job()
    read(client, auth, path)

    sent = statements_sent(app, lambda: read(client, auth, path))

    assert len(sent) == 1


def test_warm_read_checks_token_and_generations_together(app, client, auth, make_job):
    make_job()
    read(client, auth)

    [statement] = statements_sent(app, lambda: read(client, auth))

    assert "api_tokens" in statement
    assert "cache_generations" in statement


def test_other_reads_skip_the_generations(app, client, auth, make_job):
    make_job()

    sent = statements_sent(app, lambda: client.get("/api/jobs", headers=auth))

    assert not any("cache_generations" in statement for statement in sent)


def test_stage_change_is_in_the_next_read(client, auth, make_application):
    application = make_application()
    read(client, auth)
    client.patch(
        f"/api/job-candidates/{application['id']}", json={"stage": "interview"}, headers=auth
    )

    assert read(client, auth)["applicationsByStage"]["interview"] == 1


def test_new_job_is_in_the_next_read(client, auth, make_job):
    make_job()
    read(client, auth)
    make_job()

    assert read(client, auth)["openJobs"] == 2


def test_job_status_change_is_in_the_next_read(client, auth, make_job):
    job = make_job()
    read(client, auth)
    client.patch(f"/api/jobs/{job['id']}", json={"status": "on_hold"}, headers=auth)

    assert read(client, auth)["jobsByStatus"]["on_hold"] == 1


def test_deleted_candidate_leaves_the_next_read(client, auth, make_application):
    application = make_application()
    read(client, auth)
    client.delete(f"/api/candidates/{application['candidateId']}?cascade=true", headers=auth)

    assert read(client, auth)["applicationsByStage"]["sourced"] == 0


def test_client_rename_is_in_the_next_pipeline_summary(client, auth, make_job):
    job = make_job()
    read(client, auth, PIPELINE)
    client.patch(f"/api/clients/{job['clientId']}", json={"name": "Renamed Co"}, headers=auth)

    assert read(client, auth, PIPELINE)["data"][0]["client"]["name"] == "Renamed Co"


def test_candidate_rename_is_in_the_next_activity_label(client, auth, make_candidate):
    candidate = make_candidate(firstName="Ada", lastName="Byron")
    read(client, auth, ACTIVITY)
    client.patch(f"/api/candidates/{candidate['id']}", json={"lastName": "King"}, headers=auth)

    assert read(client, auth, ACTIVITY)["data"][0]["entityLabel"] == "Ada King"


def test_candidate_rename_keeps_the_cached_stats(client, auth, make_application):
    application = make_application()
    first = read(client, auth)
    client.patch(
        f"/api/candidates/{application['candidateId']}", json={"lastName": "Other"}, headers=auth
    )

    assert read(client, auth)["computedAt"] == first["computedAt"]


def test_failed_write_keeps_the_cached_stats(client, auth, make_application):
    application = make_application()
    first = read(client, auth)
    duplicate = client.post(
        "/api/job-candidates",
        json={"jobId": application["jobId"], "candidateId": application["candidateId"]},
        headers=auth,
    )
    assert duplicate.status_code == 409

    assert read(client, auth)["computedAt"] == first["computedAt"]


def test_owner_me_shares_own_id_entry(client, make_user, make_job):
    user, user_auth = make_user("recruiter")
    make_job()
    first = read(client, user_auth, ownerId="me")

    assert read(client, user_auth, ownerId=str(user.id))["computedAt"] == first["computedAt"]


def test_filters_get_their_own_entry(client, auth, make_job):
    job = make_job()
    make_job()
    read(client, auth)

    assert read(client, auth, clientId=job["clientId"])["openJobs"] == 1


def test_write_bumps_only_the_families_it_changed(app, client, auth, make_candidate):
    with app.app_context():
        before = generations.read()
    make_candidate()
    with app.app_context():
        after = generations.read()

    changed = {family for family in before if after[family] != before[family]}
    assert changed == {"candidates"}


@pytest.fixture
def app_without_redis(database_url):
    """The app with its cache pointed at a loopback port where nothing listens."""
    closed = f"redis://127.0.0.1:{free_port()}/0"
    return create_app(make_config(database_url, **cache_settings(redis_url=closed)))


def test_redis_outage_serves_uncached_results(app_without_redis, auth, make_job):
    make_job()
    response = app_without_redis.test_client().get(STATS, headers=auth)

    assert response.status_code == 200


def test_redis_outage_logs_a_warning(app_without_redis, auth, caplog):
    with caplog.at_level(logging.WARNING, logger="app.caching.resilient_redis"):
        app_without_redis.test_client().get(STATS, headers=auth)

    assert "Redis cache unavailable" in caplog.text


def ask_concurrently(app, function, argument, callers):
    """Call ``function(argument)`` from ``callers`` threads at once; return the results."""
    results = []

    def ask():
        with app.app_context():
            results.append(function(argument))
            db.session.remove()

    threads = [threading.Thread(target=ask) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_misses_compute_once(app):
    computed = []

    @fresh_memoize("jobs")
    def slow_result(number):
        computed.append(number)
        time.sleep(0.5)
        return {"number": number}

    ask_concurrently(app, slow_result, 42, callers=5)

    assert computed == [42]


def test_concurrent_misses_all_get_the_result(app):
    @fresh_memoize("jobs")
    def slow_result(number):
        time.sleep(0.3)
        return {"number": number}

    results = ask_concurrently(app, slow_result, 7, callers=4)

    assert results == [{"number": 7}] * 4


def test_takeover_after_failed_computation_is_cached(app):
    """A waiter that computes after the lock holder failed stores what it computed."""
    computed = []

    @fresh_memoize("jobs")
    def fails_first(number):
        computed.append(number)
        time.sleep(0.3)
        if len(computed) == 1:
            raise RuntimeError("the first computation fails")
        return {"number": number}

    def ask():
        with app.app_context():
            try:
                fails_first(5)
            except RuntimeError:
                pass
            db.session.remove()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert computed == [5, 5]

    with app.app_context():
        fails_first(5)
        db.session.remove()

    assert computed == [5, 5]


def config_value(name, **environment):
    """Read one setting of config.Config in a fresh interpreter with ``environment``."""
    script = f"import config; print(getattr(config.Config, {name!r}))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env={"PATH": "", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_config_redis_cache_with_redis_url():
    cache_type = config_value("CACHE_TYPE", REDIS_URL="redis://127.0.0.1:6379/0")

    assert cache_type == "app.caching.resilient_redis.ResilientRedisCache"


def test_config_caches_in_process_without_redis_url():
    assert config_value("CACHE_TYPE", REDIS_URL="") == "SimpleCache"


def test_config_reads_the_cache_ttl():
    assert config_value("CACHE_DEFAULT_TIMEOUT", CACHE_TTL_S="5") == "5"


def cache_counts(client, make_user):
    _, admin = make_user("admin")
    body = client.get("/api/metrics", headers=admin).get_json()
    return body["cache"]["hits"], body["cache"]["misses"]


def test_cache_hit_is_counted_in_metrics(client, auth, make_user, make_job):
    make_job()
    read(client, auth)
    hits_before, _ = cache_counts(client, make_user)
    read(client, auth)

    assert cache_counts(client, make_user)[0] == hits_before + 1


def test_cache_miss_is_counted_in_metrics(client, auth, make_user, make_job):
    make_job()
    _, misses_before = cache_counts(client, make_user)
    read(client, auth, clientId=make_job()["clientId"])

    assert cache_counts(client, make_user)[1] == misses_before + 1


def _spy_on_redis(monkeypatch, commands):
    """Record the name of every command the cache sends to Redis from now on."""
    from app.extensions import cache

    backend = cache.cache
    for client in {
        id(backend._read_client): backend._read_client,
        id(backend._write_client): backend._write_client,
    }.values():
        original = client.execute_command

        def spy(*args, _original=original, **kwargs):
            commands.append(args[0])
            return _original(*args, **kwargs)

        monkeypatch.setattr(client, "execute_command", spy)


@fresh_memoize("jobs")
def numbered_result(number):
    return {"number": number}


def test_miss_takes_three_redis_round_trips(app, monkeypatch):
    """Value lookup, lock, store: no version key of memoize's."""
    commands = []
    with app.app_context():
        numbered_result(uuid.uuid4().int)
        _spy_on_redis(monkeypatch, commands)
        numbered_result(uuid.uuid4().int)

    assert len(commands) == 3


def test_hit_takes_one_redis_round_trip(app, monkeypatch):
    number = uuid.uuid4().int
    commands = []
    with app.app_context():
        numbered_result(number)
        _spy_on_redis(monkeypatch, commands)
        numbered_result(number)

    assert commands == ["GET"]


def test_delete_memoized_is_rejected(app):
    """Entries go stale by generation; delete_memoized needs the version keys that are gone."""
    from app.extensions import cache

    with app.app_context(), pytest.raises(NotImplementedError):
        cache.delete_memoized(numbered_result)


def test_plain_memoize_miss_logs_no_error(app, caplog):
    """memoize without _stored_already stores the value, then refreshes a version key."""
    from app.extensions import cache

    computed = []

    @cache.memoize()
    def plain_result(number):
        computed.append(number)
        return {"number": number}

    number = uuid.uuid4().int
    with app.app_context(), caplog.at_level(logging.ERROR, logger="flask_caching"):
        first = plain_result(number)
        second = plain_result(number)

    assert first == {"number": number}
    assert second == {"number": number}
    assert computed == [number]
    assert "Exception possibly due to cache backend" not in caplog.text


def test_plain_memoize_miss_in_debug_mode(app, monkeypatch):
    """In debug mode Flask-Caching raises a cache error instead of logging it: a 500 in a view."""
    from app.extensions import cache

    @cache.memoize()
    def plain_result(number):
        return {"number": number}

    monkeypatch.setattr(app, "debug", True)
    with app.app_context():
        assert plain_result(5) == {"number": 5}
