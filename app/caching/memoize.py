"""Memoization of read services, keyed by the generations of the data they read.

``fresh_memoize("jobs", "applications")`` wraps a service with Flask-Caching's
memoize. The generations of those families are passed to the memoized function
as its first argument, so they are part of the key: a write that bumps one of
them sends every later read to a new key, on every worker.

Concurrent misses on one key compute it once: the first caller takes a lock key
with the backend's atomic add, and the others wait for its result.
"""

import functools
import hashlib
import threading
import time

from app.caching import generations
from app.extensions import cache
from app.observability import metrics

# How long others wait for the caller that computes a missing entry before they
# compute it themselves; above the slowest section under the statement timeout.
WAIT_FOR_OTHER_S = 6.0
POLL_INTERVAL_S = 0.02

# Per thread, and per greenlet once gevent has patched threading.
_call = threading.local()


def _backend_available():
    return getattr(cache.cache, "available", True)


def _compute_once(memoized, compute, family_generations, args):
    """Run ``compute(*args)`` unless another caller is already computing the same entry.

    The lock key depends only on the function, the generations and the arguments.
    Every path stores what it computed under memoize's key, where the waiters look,
    because memoize does not (_stored_already).
    """
    identity = repr((compute.__module__, compute.__qualname__, family_generations, args))
    lock_key = f"computing:{hashlib.sha256(identity.encode()).hexdigest()[:32]}"
    lock_timeout = int(WAIT_FOR_OTHER_S) + 1

    def current_key():
        return memoized.make_cache_key(memoized.uncached, family_generations, *args)

    if cache.add(lock_key, True, timeout=lock_timeout):
        return _compute_holding_lock(compute, args, lock_key, current_key)
    deadline = time.monotonic() + WAIT_FOR_OTHER_S
    while time.monotonic() < deadline and _backend_available():
        time.sleep(POLL_INTERVAL_S)
        value = cache.get(current_key())
        if value is not None:
            return value
        # The caller that held the lock failed: take over.
        if cache.add(lock_key, True, timeout=lock_timeout):
            return _compute_holding_lock(compute, args, lock_key, current_key)
    # The holder is still computing after the wait, or the cache is unreachable.
    # While it is unreachable, the store below sends nothing.
    value = compute(*args)
    cache.set(current_key(), value)
    return value


def _compute_holding_lock(compute, args, lock_key, current_key):
    """Compute and store the entry of ``lock_key``, and release the lock if computing fails."""
    try:
        value = compute(*args)
    except BaseException:
        cache.delete(lock_key)
        raise
    cache.set(current_key(), value)
    return value


def _stored_already(value):
    """Tell memoize not to store a computed value: _compute_once has stored it.

    memoize would store it again: one more Redis round trip per miss.
    """
    return False


def fresh_memoize(*families):
    """Memoize a read service under the current generations of ``families``."""

    def decorator(compute):
        @cache.memoize(response_filter=_stored_already)
        @functools.wraps(compute)
        def memoized(family_generations, *args):
            # Runs only on a miss, so the flag lets the caller count a hit or a miss.
            _call.missed = True
            return _compute_once(memoized, compute, family_generations, args)

        @functools.wraps(compute)
        def cached(*args, generation_map=None):
            """``generation_map`` contains generations already read, e.g. once for a batch."""
            if generation_map is None:
                generation_map = generations.read(families)
            _call.missed = False
            result = memoized(tuple(generation_map[family] for family in families), *args)
            if _call.missed:
                metrics.count_cache_miss(compute.__name__)
            else:
                metrics.count_cache_hit(compute.__name__)
            return result

        cached.families = families
        cached.uncached = compute
        return cached

    return decorator
