"""A Redis cache for a benchmark's server, under a key prefix that is deleted afterwards."""

import os
import secrets
from contextlib import contextmanager

import redis


@contextmanager
def scratch_cache_environment():
    """Yield the server environment of a Redis cache with a new key prefix; delete its keys.

    The Redis server is BENCH_REDIS_URL, by default redis://127.0.0.1:6379/0.
    """
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = f"ats-bench-{secrets.token_hex(4)}:"
    try:
        yield {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": prefix}
    finally:
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
