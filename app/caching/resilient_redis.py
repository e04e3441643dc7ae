"""A Redis cache backend that treats an unreachable Redis as an empty cache.

The dashboard must keep working while Redis is down or restarting: every read
becomes a miss, every write is dropped, and the app computes results uncached.
After a failure the backend stops calling Redis for ``retry_after`` seconds, so a
dead Redis costs requests nothing rather than a connect timeout each.
"""

import logging
import time

from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ResilientRedisCache(RedisCache):
    retry_after = 5.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._unavailable_until = 0.0
        self._failing = False

    @property
    def available(self):
        """False while the backend is waiting before it tries Redis again."""
        return time.monotonic() >= self._unavailable_until

    def _guarded(self, operation, fallback, *args, **kwargs):
        if not self.available:
            return fallback
        try:
            result = operation(*args, **kwargs)
        except (RedisError, OSError) as error:
            logger.warning(
                "Redis cache unavailable, serving uncached for the next %.0f s: %s",
                self.retry_after,
                error,
            )
            self._failing = True
            self._unavailable_until = time.monotonic() + self.retry_after
            return fallback
        if self._failing:
            self._failing = False
            logger.info("Redis cache reachable again")
        return result

    def get(self, key):
        return self._guarded(super().get, None, key)

    def get_many(self, *keys):
        return self._guarded(super().get_many, [None] * len(keys), *keys)

    def has(self, key):
        return self._guarded(super().has, False, key)

    def set(self, key, value, timeout=None):
        return self._guarded(super().set, False, key, value, timeout)

    def set_many(self, mapping, timeout=None):
        return self._guarded(super().set_many, [], mapping, timeout)

    def add(self, key, value, timeout=None):
        return self._guarded(self._add_with_expiry, False, key, value, timeout)

    def _add_with_expiry(self, key, value, timeout):
        """Store ``value`` unless ``key`` exists, with its expiry, in one SET NX command.

        cachelib sends SETNX and then EXPIRE: a second round trip, and a worker
        that dies between the two leaves a key that never expires. For the
        memoize lock, every later miss of that entry would then first wait
        WAIT_FOR_OTHER_S (app/caching/memoize.py) for a computation that is not
        running.
        """
        timeout = self._normalize_timeout(timeout)
        created = self._write_client.set(
            name=f"{self._get_prefix()}{key}",
            value=self.serializer.dumps(value),
            nx=True,
            ex=None if timeout == -1 else timeout,
        )
        return bool(created)

    def delete(self, key):
        return self._guarded(super().delete, False, key)

    def delete_many(self, *keys):
        return self._guarded(super().delete_many, [], *keys)
