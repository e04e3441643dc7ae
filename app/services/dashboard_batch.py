"""The dashboard batch: several sections gathered concurrently in greenlets.

Each section runs in its own greenlet with its own app context, so it has its
own database session and pooled connection. Because psycopg2 is made cooperative
(psycogreen, see wsgi.py), their queries run at the same time, and the batch
takes about as long as its slowest section. A section that fails or runs out of
time is reported in ``errors`` while the others still return.
"""

import logging

import gevent
import psycopg2.errors
from flask import current_app
from sqlalchemy import event
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.caching import generations
from app.extensions import db
from app.services.autocommit import read_in_autocommit
from app.services.dashboard_activity import recent_activity
from app.services.dashboard_pipeline import pipeline_summary
from app.services.dashboard_stats import dashboard_stats
from app.services.exceptions import DomainError, UnknownSection

logger = logging.getLogger(__name__)

KILL_GRACE_S = 1.0


def _stats(scope, generation_map):
    return dashboard_stats(scope["client_id"], scope["owner_id"], generation_map=generation_map)


def _recent_activity(scope, generation_map):
    return recent_activity(
        scope["client_id"],
        None,
        None,
        scope["owner_id"],
        scope["limit"],
        None,
        generation_map=generation_map,
    )


def _pipeline_summary(scope, generation_map):
    return pipeline_summary(
        scope["group_by"],
        scope["client_id"],
        scope["owner_id"],
        scope["limit"],
        None,
        generation_map=generation_map,
    )


# Section name in `include` -> function(scope, generation_map). Tests may wrap entries.
SECTIONS = {
    "stats": _stats,
    "recent_activity": _recent_activity,
    "pipeline_summary": _pipeline_summary,
}


def parse_include(raw):
    """Return the section names asked for, in SECTIONS order; all of them when ``raw`` is empty."""
    if raw is None or not raw.strip():
        return list(SECTIONS)
    asked = [name.strip() for name in raw.split(",") if name.strip()]
    offered = ", ".join(SECTIONS)
    if not asked:
        raise UnknownSection(
            f"include names no section. Use some of: {offered}, or leave it out for all.",
            fields={"include": ["Names no section."]},
        )
    unknown = [name for name in asked if name not in SECTIONS]
    if unknown:
        raise UnknownSection(
            f"Unknown dashboard section {unknown[0]!r}. Use some of: {offered}.",
            fields={"include": [f"Unknown section {unknown[0]!r}."]},
        )
    return [name for name in SECTIONS if name in asked]


def _section_error(name, error):
    if isinstance(error, DomainError):
        return {"code": error.code, "message": error.message}
    if _timed_out(error):
        return {"code": "timeout", "message": f"The {name} section took too long."}
    return {"code": "section_failed", "message": f"The {name} section could not be computed."}


def _statement_limit_ms(timeout):
    return max(1, int(timeout * 1000))


def _limit_statements(session, milliseconds):
    """Make PostgreSQL cancel any statement of ``session`` that runs ``milliseconds`` or longer.

    Set when the session's transaction begins, so a section served from the cache
    sends nothing. A cancelled statement fails cleanly and its connection stays
    usable, where interrupting the greenlet would leave the query running.
    """

    @event.listens_for(session, "after_begin")
    def set_timeout(session, transaction, connection):
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")


def _run_section(app, name, scope, generation_map, finish):
    with app.app_context():
        limit_ms = _statement_limit_ms(app.config["DASHBOARD_SECTION_TIMEOUT_S"])
        if app.config["DB_STATEMENT_TIMEOUT_MS"] == limit_ms:
            # Every connection already cancels a statement at the section's limit
            # (the default, 5 s each), so the section reads as a GET does: no
            # BEGIN, SET LOCAL and ROLLBACK, three round trips fewer. A longer
            # section timeout must raise the connection's limit, and a shorter one
            # lower it, so both set their own in a transaction.
            read_in_autocommit()
        else:
            _limit_statements(db.session(), limit_ms)
        value = SECTIONS[name](scope, generation_map)
    return value if finish is None else finish(name, value)


def _timed_out(error):
    """Return whether ``error`` means the section ran out of time, waiting or running."""
    return isinstance(error, (gevent.Timeout, PoolTimeout)) or isinstance(
        getattr(error, "orig", None), psycopg2.errors.QueryCanceled
    )


def gather(include, scope, generation_map=None, finish=None):
    """Run the ``include`` sections concurrently; return ``(results, errors)`` by name.

    ``generation_map`` must have been read before any section reads data, so that
    what a section caches is never older than the generations it is cached under.
    ``finish(name, value)``, if given, runs in the section's greenlet on its
    value, and its result is the section's result. The caller's serialization
    then runs while slower sections still wait for PostgreSQL, and not after
    the slowest one.
    """
    app = current_app._get_current_object()
    timeout = app.config["DASHBOARD_SECTION_TIMEOUT_S"]
    if generation_map is None:
        generation_map = generations.read()
    # End the request's read-only transaction: its connection goes back to the pool
    # instead of idling while the sections each use one of their own.
    db.session.commit()
    greenlets = {
        name: gevent.spawn(_run_section, app, name, scope, generation_map, finish)
        for name in include
    }
    # PostgreSQL cancels slow statements at the timeout; the grace covers a
    # section stuck elsewhere (a pool wait, a server that stopped responding).
    gevent.joinall(list(greenlets.values()), timeout=timeout + KILL_GRACE_S)

    results, errors = {}, {}
    for name, greenlet in greenlets.items():
        if not greenlet.ready():
            # Raises Timeout inside the section; leaving its app context gives its
            # connection back to the pool, which discards it if a query was cut off.
            greenlet.kill(gevent.Timeout(timeout), block=True, timeout=1)
        if greenlet.successful():
            results[name] = greenlet.value
            continue
        error = greenlet.exception
        if not isinstance(error, DomainError) and not _timed_out(error):
            logger.error("Dashboard section %s failed", name, exc_info=error)
        else:
            logger.warning("Dashboard section %s failed: %s", name, error)
        errors[name] = _section_error(name, error)
    return results, errors
