"""Candidates: people an agency may place in jobs."""

import functools
import logging

from sqlalchemy import select

from app.extensions import db
from app.models import Candidate, JobCandidate
from app.services.activities import changed_fields_payload, record_activity
from app.services.cascade import delete_with_applications
from app.services.lookup import fetch_one
from app.services.pagination import Sorting, list_page
from app.services.permissions import require_writer
from app.services.rows import fetch_dict, read_columns
from app.services.transaction import write_transaction
from app.services.updates import apply_changes

logger = logging.getLogger(__name__)

SORTING = Sorting(
    "candidates",
    Candidate,
    {
        "createdAt": Candidate.created_at,
        "updatedAt": Candidate.updated_at,
        "lastName": Candidate.last_name,
    },
)


def unique_skills(skills):
    """Drop repeated skills, ignoring case, and keep the first spelling of each."""
    seen = set()
    unique = []
    for skill in skills:
        key = skill.casefold()
        if key not in seen:
            seen.add(key)
            unique.append(skill)
    return unique


def skill_keys(skills):
    """Return the case-folded forms that the ``skill`` filter matches against."""
    return [skill.casefold() for skill in skills]


# Built once: a statement is immutable, and .where() returns a new one.
@functools.cache
def _read_query():
    return select(*read_columns(Candidate))


def list_candidates(*, source=None, skill=None, **page):
    """Return a page of candidates. ``page`` contains the arguments of pagination.list_page."""
    statement = _read_query()
    if source is not None:
        statement = statement.where(Candidate.source == source)
    if skill:
        # Served by the GIN index on skill_keys.
        statement = statement.where(Candidate.skill_keys.contains([skill.casefold()]))
    filters = {"source": source, "skill": skill.casefold() if skill else None}
    return list_page(statement, SORTING, filters=filters, **page)


def get_candidate(candidate_id):
    """Return the candidate as a dict."""
    statement = _read_query().where(Candidate.id == candidate_id)
    return fetch_dict(statement, missing="Candidate not found.")


def _lock_candidate(candidate_id):
    statement = select(Candidate).where(Candidate.id == candidate_id)
    return fetch_one(statement, Candidate, for_update=True, missing="Candidate not found.")


def create_candidate(data, actor):
    require_writer(actor)
    skills = unique_skills(data.get("skills", []))
    data = {**data, "skills": skills, "skill_keys": skill_keys(skills)}
    with write_transaction():
        candidate = Candidate(**data)
        db.session.add(candidate)
        db.session.flush()
        record_activity(actor, "created", candidate)
    logger.info("Created candidate %s by user %s", candidate.id, actor.id)
    return get_candidate(candidate.id)


def update_candidate(candidate_id, changes, actor):
    require_writer(actor)
    if "skills" in changes:
        changes = {**changes, "skills": unique_skills(changes["skills"])}
    with write_transaction():
        candidate = _lock_candidate(candidate_id)
        changed = apply_changes(candidate, changes)
        if "skills" in changed:
            candidate.skill_keys = skill_keys(candidate.skills)
        if changed:
            db.session.flush()
            record_activity(actor, "updated", candidate, changed_fields_payload(changed))
    logger.info("Updated candidate %s fields %s by user %s", candidate.id, changed, actor.id)
    return get_candidate(candidate.id)


def delete_candidate(candidate_id, actor, *, cascade=False):
    """Delete a candidate. With ``cascade`` their applications go too."""
    require_writer(actor)
    with write_transaction(deleting=True):
        candidate = _lock_candidate(candidate_id)
        applications = JobCandidate.candidate_id == candidate.id
        application_count = delete_with_applications(
            actor, candidate, "candidate", applications, cascade=cascade
        )
    logger.info(
        "Deleted candidate %s with %d applications by user %s",
        candidate_id,
        application_count,
        actor.id,
    )
