"""Flask-Caching without its per-function version keys.

memoize keeps a version key per function in the cache, so that delete_memoized
can drop all of a function's entries at once. It reads that key on every call,
which costs one more Redis round trip per hit and two more per miss. Here the
generations in every key (app/caching/memoize.py) already send reads to new keys
after a write, and nothing deletes memoized entries, so the version adds only
latency.
"""

from flask_caching import Cache, function_namespace

from app.caching.key_arguments import PositionalKeyArguments


class UnversionedCache(PositionalKeyArguments, Cache):
    """A Flask-Caching Cache whose memoize keys carry no version read from the cache.

    PositionalKeyArguments builds its keys without a signature read per call.
    """

    def _memoize_version(self, f, args=None, kwargs=None, reset=False, delete=False, **options):
        # refresh only rewrites the version key after memoize stores a value, so with
        # no version key it has nothing to do. reset and delete would drop entries
        # through that key.
        if reset or delete:
            raise NotImplementedError(
                "Memoized entries are replaced by bumping their generations, not deleted."
            )
        fname, _ = function_namespace(f, args=args)
        return fname, None
