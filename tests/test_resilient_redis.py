"""The Redis cache backend's add: one command, with the expiry set atomically."""

import secrets

import pytest
import redis

from app.caching.resilient_redis import ResilientRedisCache
from tests.conftest import CACHE_KEY_PREFIX, TEST_REDIS_URL


@pytest.fixture
def backend():
    connection = redis.Redis.from_url(TEST_REDIS_URL)
    cache = ResilientRedisCache(host=connection, key_prefix=CACHE_KEY_PREFIX)
    yield cache, connection
    for key in connection.scan_iter(match=f"{CACHE_KEY_PREFIX}add-test-*"):
        connection.delete(key)
    connection.close()


def new_key():
    return f"add-test-{secrets.token_hex(4)}"


def test_add_stores_a_missing_key(backend):
    cache, _ = backend
    key = new_key()

    assert cache.add(key, "first", timeout=30) is True
    assert cache.get(key) == "first"


def test_add_keeps_an_existing_key(backend):
    cache, _ = backend
    key = new_key()
    cache.add(key, "first", timeout=30)

    assert cache.add(key, "second", timeout=30) is False
    assert cache.get(key) == "first"


def test_add_sets_the_expiry(backend):
    cache, connection = backend
    key = new_key()
    cache.add(key, "value", timeout=30)

    assert 0 < connection.ttl(f"{CACHE_KEY_PREFIX}{key}") <= 30


def test_add_with_zero_timeout_never_expires(backend):
    cache, connection = backend
    key = new_key()
    cache.add(key, "value", timeout=0)

    assert connection.ttl(f"{CACHE_KEY_PREFIX}{key}") == -1
