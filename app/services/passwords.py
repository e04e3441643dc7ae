"""Password hashing that does not stall the other requests of a gevent worker.

Hashing with scrypt takes about 90 ms of CPU on purpose. In a gevent worker that
time would block every other greenlet of the process, so a few login attempts
would delay all requests. hashlib.scrypt releases the GIL while it works, so
running it on one of gevent's native threads lets the other greenlets go on.
"""

from werkzeug.security import check_password_hash, generate_password_hash


def _off_the_event_loop(function, *args):
    try:
        from gevent import get_hub, monkey
    except ImportError:
        return function(*args)
    if not monkey.is_module_patched("threading"):
        return function(*args)
    return get_hub().threadpool.apply(function, args)


def hash_password(password):
    """Return werkzeug's scrypt hash of ``password``."""
    return _off_the_event_loop(generate_password_hash, password)


def password_matches(password_hash, password):
    """Return whether ``password`` matches ``password_hash``."""
    return _off_the_event_loop(check_password_hash, password_hash, password)
