"""Callbacks that run when this worker process receives SIGTERM.

gunicorn.conf.py calls ``run_shutdown_hooks()`` as soon as a worker gets SIGTERM,
while gunicorn stops accepting connections and lets in-flight requests finish for
up to GRACEFUL_TIMEOUT_S. A feature with long-lived connections registers a hook
that ends them, e.g. closes each WebSocket with code 1001 (going away) so that its
client reconnects to another dyno:

    from app.lifecycle import on_shutdown

    on_shutdown(close_websockets)
"""

import logging

logger = logging.getLogger(__name__)

_shutdown_hooks = []


def on_shutdown(callback):
    """Register ``callback()`` to run on SIGTERM; return it, so it can be a decorator.

    Registering the same callback again (each app the process creates) adds nothing.
    """
    if callback not in _shutdown_hooks:
        _shutdown_hooks.append(callback)
    return callback


def run_shutdown_hooks():
    """Run the registered hooks once, in registration order; log and skip the ones that fail."""
    hooks = list(_shutdown_hooks)
    if not hooks:
        return
    # A second SIGTERM finds the list empty, so no hook runs twice.
    _shutdown_hooks.clear()
    logger.info("Shutting down: running %d shutdown hooks", len(hooks))
    for hook in hooks:
        try:
            hook()
        except Exception:
            logger.exception("Shutdown hook %s failed", getattr(hook, "__qualname__", hook))
