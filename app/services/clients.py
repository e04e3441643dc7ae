"""Clients: the companies an agency hires for."""

import functools
import logging

from sqlalchemy import func, select, true

from app.extensions import db
from app.models import Client, Job
from app.services.activities import changed_fields_payload, record_activity
from app.services.cascade import delete_jobs, lock_jobs, require_cascade
from app.services.lookup import fetch_one
from app.services.pagination import Sorting, list_page
from app.services.permissions import require_writer
from app.services.rows import fetch_dict, read_columns
from app.services.transaction import write_transaction
from app.services.updates import apply_changes

logger = logging.getLogger(__name__)

SORTING = Sorting(
    "clients",
    Client,
    {"createdAt": Client.created_at, "updatedAt": Client.updated_at, "name": Client.name},
)


# Built once: a statement is immutable, and .where() returns a new one.
@functools.cache
def _read_query():
    """Select clients as rows with their job counts, computed in the same query.

    The LATERAL subquery runs once per client that reaches the result, counting
    through the (client_id, status) index.
    """
    counts = (
        select(
            func.count().label("job_count"),
            func.count().filter(Job.status == "open").label("open_job_count"),
        )
        .where(Job.client_id == Client.id)
        .lateral("job_counts")
    )
    return (
        select(*read_columns(Client), counts.c.job_count, counts.c.open_job_count)
        .select_from(Client)
        .join(counts, true())
    )


def list_clients(**page):
    """Return a page of clients. ``page`` contains the arguments of pagination.list_page."""
    return list_page(_read_query(), SORTING, filters={}, **page)


def get_client(client_id):
    """Return the client as a dict with its job counts."""
    return fetch_dict(_read_query().where(Client.id == client_id), missing="Client not found.")


def _lock_client(client_id):
    statement = select(Client).where(Client.id == client_id)
    return fetch_one(statement, Client, for_update=True, missing="Client not found.")


def create_client(data, actor):
    require_writer(actor)
    with write_transaction():
        client = Client(**data)
        db.session.add(client)
        db.session.flush()
        record_activity(actor, "created", client)
    logger.info("Created client %s by user %s", client.id, actor.id)
    return get_client(client.id)


def update_client(client_id, changes, actor):
    require_writer(actor)
    with write_transaction():
        client = _lock_client(client_id)
        changed = apply_changes(client, changes)
        if changed:
            db.session.flush()
            record_activity(actor, "updated", client, changed_fields_payload(changed))
    logger.info("Updated client %s fields %s by user %s", client.id, changed, actor.id)
    return get_client(client.id)


def delete_client(client_id, actor, *, cascade=False):
    """Delete a client. With ``cascade`` its jobs and their applications go too.

    The client row and its jobs are locked first, so no job can be added to the
    client or moved away from it, and no application added, while this runs.
    """
    require_writer(actor)
    with write_transaction(deleting=True):
        client = _lock_client(client_id)
        job_ids = lock_jobs(Job.client_id == client.id)
        job_count = len(job_ids)
        require_cascade(job_count, "jobs", "client", cascade)
        if job_count:
            delete_jobs(actor, job_ids)

        record_activity(actor, "deleted", client, {"cascadedJobs": job_count})
        db.session.delete(client)
    logger.info("Deleted client %s with %d jobs by user %s", client_id, job_count, actor.id)
