"""Clients: the companies an agency hires for."""

import logging

from sqlalchemy import select

from app.extensions import db
from app.models import Client, Job
from app.services.activities import changed_fields_payload, record_activity
from app.services.cascade import delete_jobs, lock_jobs, require_cascade
from app.services.lookup import fetch_one
from app.services.pagination import SortKey, paginate
from app.services.permissions import require_writer
from app.services.transaction import write_transaction
from app.services.updates import apply_changes

logger = logging.getLogger(__name__)

NEWEST_FIRST = SortKey("clients", "createdAt", Client.created_at, Client.id, descending=True)


def list_clients(*, limit, cursor=None):
    return paginate(select(Client), NEWEST_FIRST, limit=limit, cursor=cursor)


def get_client(client_id, *, for_update=False):
    statement = select(Client).where(Client.id == client_id)
    return fetch_one(statement, Client, for_update=for_update, missing="Client not found.")


def create_client(data, actor):
    require_writer(actor)
    with write_transaction():
        client = Client(**data)
        db.session.add(client)
        db.session.flush()
        record_activity(actor, "created", client)
    logger.info("Created client %s by user %s", client.id, actor.id)
    return client


def update_client(client_id, changes, actor):
    require_writer(actor)
    with write_transaction():
        client = get_client(client_id, for_update=True)
        changed = apply_changes(client, changes)
        if changed:
            db.session.flush()
            record_activity(actor, "updated", client, changed_fields_payload(changed))
    logger.info("Updated client %s fields %s by user %s", client.id, changed, actor.id)
    return client


def delete_client(client_id, actor, *, cascade=False):
    """Delete a client. With ``cascade`` its jobs and their applications go too.

    The client row and its jobs are locked first, so no job can be added to the
    client or moved away from it, and no application added, while this runs.
    """
    require_writer(actor)
    with write_transaction(deleting=True):
        client = get_client(client_id, for_update=True)
        job_ids = lock_jobs(Job.client_id == client.id)
        job_count = len(job_ids)
        require_cascade(job_count, "jobs", "client", cascade)
        if job_count:
            delete_jobs(actor, job_ids)

        record_activity(actor, "deleted", client, {"cascadedJobs": job_count})
        db.session.delete(client)
    logger.info("Deleted client %s with %d jobs by user %s", client_id, job_count, actor.id)
