"""Whole responses cached as JSON text, keyed by their request and the generations.

A warm dashboard batch is then one cache read: no section lookups, no schema
dump. The generations in the key send the next read after a write to a new key,
as for the memoized services.
"""

import hashlib

from app.extensions import cache
from app.observability import metrics


def rendering_key(name, parts, generation_map):
    """Return the cache key of the rendering ``name`` of ``parts`` under ``generation_map``."""
    identity = repr((parts, sorted(generation_map.items())))
    return f"rendered:{name}:{hashlib.sha256(identity.encode()).hexdigest()[:32]}"


def cached_rendering(name, parts, generation_map, render):
    """Return the JSON text for ``parts``, from the cache or from ``render()``.

    ``render`` returns ``(text, cacheable)``; a rendering that reports a failed
    part is not cacheable, so the next read tries again.
    """
    key = rendering_key(name, parts, generation_map)
    text = cache.get(key)
    if text is not None:
        metrics.count_cache_hit(f"{name} response")
        return text
    metrics.count_cache_miss(f"{name} response")
    text, cacheable = render()
    if cacheable:
        cache.set(key, text)
    return text
