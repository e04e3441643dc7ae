"""gunicorn settings, read by default when gunicorn starts in this folder.

Command-line flags override them. gunicorn itself reads the worker count from
WEB_CONCURRENCY.
"""

import os
import signal
import tempfile
from pathlib import Path

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gevent"

# The largest request line gunicorn allows (its default is 4094 bytes), so that a
# long URL reaches the app and gets the app's error for its parameters, not 414.
limit_request_line = 8190

# gunicorn 25 and newer opens a control socket in the home folder. Several servers
# on one machine, such as test servers, would contend for the same path.
control_socket_disable = True

# Seconds a worker lets in-flight requests finish after SIGTERM. Heroku sends
# SIGKILL 30 seconds after SIGTERM, so the default leaves time to exit cleanly.
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT_S", "25"))

# prometheus-client's multiprocess mode keeps each worker's metrics in files in
# this folder, so that any worker can serve the whole server's metrics. It must be
# set before a worker imports prometheus_client. A new folder per server start
# keeps servers on one machine apart.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="ats-metrics-"))

# gunicorn's own messages in the app's log format, on stdout with the app's lines.
_log_formatter = (
    "app.observability.log_format.text_formatter"
    if os.environ.get("LOG_FORMAT", "json") == "text"
    else "app.observability.log_format.json_formatter"
)
# The app writes the access lines; see AppAccessLogger.
logger_class = "app.observability.gunicorn_logger.AppAccessLogger"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"app": {"()": _log_formatter}},
    # gunicorn's warning about a request it cannot parse quotes the bad header.
    "filters": {"redact_tokens": {"()": "app.observability.redaction.RedactTokens"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "app",
            "filters": ["redact_tokens"],
            "stream": "ext://sys.stdout",
        }
    },
    # create_app() adds the root logger's handler in each worker.
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["stdout"], "propagate": False},
    },
}


def on_starting(server):
    """Delete old metrics files, so that a restarted server does not count old workers.

    Only prometheus-client's ``*.db`` files go, in case the folder is shared.
    """
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob("*.db"):
        path.unlink()


def child_exit(server, worker):
    """Drop an exited worker's live gauges (pool connections, WebSockets) from the totals."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Write gunicorn's own errors in JSON, freeze the loaded app, and handle SIGTERM.

    The app's shutdown hooks run as soon as this worker receives SIGTERM.

    gunicorn's own handler only stops the accept loop and waits for open
    connections. Long-lived ones, such as WebSockets, would hold the worker until
    graceful_timeout unless a hook closes them.
    """
    import gc

    import gevent

    from app.lifecycle import run_shutdown_hooks
    from app.observability import gunicorn_errors

    gunicorn_errors.install()

    # The loaded app's modules, schemas and SQLAlchemy metadata live as long as the
    # worker. Moving them out of the collector's generations spares every later
    # collection from walking them again.
    gc.freeze()

    def handle_sigterm(signum, frame):
        worker.handle_exit(signum, frame)
        gevent.spawn(run_shutdown_hooks)

    signal.signal(signal.SIGTERM, handle_sigterm)
