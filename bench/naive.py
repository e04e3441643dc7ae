"""The naive access pattern, served next to the real API for comparison only.

Each view returns the same JSON as its real counterpart but reads the data the way
an ORM tutorial would: OFFSET pagination, each related row loaded on first use,
and two COUNT queries per job. Never registered by the production app.
"""

from flask import Blueprint, request
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from app.api.authentication import authenticate_request
from app.extensions import db
from app.models import Candidate, Client, Job, JobCandidate, User
from app.models.enums import ACTIVE_STAGES
from app.schemas.candidate import CandidatePageSchema
from app.schemas.client import ClientPageSchema
from app.schemas.job import JobPageSchema
from app.schemas.job_candidate import JobCandidatePageSchema
from app.services.pagination import Page

blp = Blueprint("naive", __name__, url_prefix="/bench/naive")
blp.before_request(authenticate_request)


def _offset_page(statement, order_by):
    limit = int(request.args.get("limit", 50))
    page_number = int(request.args.get("page", 1))
    rows = db.session.scalars(
        statement.order_by(*order_by).offset((page_number - 1) * limit).limit(limit + 1)
    ).all()
    return rows[:limit], len(rows) > limit


def _page(rows, has_next):
    return Page(data=rows, has_next_page=has_next, next_cursor=None)


@blp.get("/jobs")
def jobs():
    rows, has_next = _offset_page(select(Job), [Job.created_at.desc(), Job.id.desc()])
    for job in rows:
        # What lazy="select" would do: one query per relation not yet in the session.
        set_committed_value(job, "client", db.session.get(Client, job.client_id))
        set_committed_value(job, "owner", db.session.get(User, job.owner_id))
        total = select(func.count()).where(JobCandidate.job_id == job.id)
        active = total.where(JobCandidate.stage.in_(ACTIVE_STAGES))
        job.candidate_count = db.session.scalar(total)
        job.active_count = db.session.scalar(active)
    return JobPageSchema().dump(_page(rows, has_next))


@blp.get("/candidates")
def candidates():
    rows, has_next = _offset_page(
        select(Candidate), [Candidate.created_at.desc(), Candidate.id.desc()]
    )
    return CandidatePageSchema().dump(_page(rows, has_next))


@blp.get("/clients")
def clients():
    rows, has_next = _offset_page(select(Client), [Client.created_at.desc(), Client.id.desc()])
    for client in rows:
        jobs_of_client = select(func.count()).where(Job.client_id == client.id)
        open_jobs = jobs_of_client.where(Job.status == "open")
        client.job_count = db.session.scalar(jobs_of_client)
        client.open_job_count = db.session.scalar(open_jobs)
    return ClientPageSchema().dump(_page(rows, has_next))


@blp.get("/job-candidates")
def applications():
    rows, has_next = _offset_page(
        select(JobCandidate), [JobCandidate.created_at.desc(), JobCandidate.id.desc()]
    )
    _load_relations_one_by_one(rows)
    return JobCandidatePageSchema().dump(_page(rows, has_next))


def _load_relations_one_by_one(applications):
    for application in applications:
        set_committed_value(application, "job", db.session.get(Job, application.job_id))
        candidate = db.session.get(Candidate, application.candidate_id)
        set_committed_value(application, "candidate", candidate)


@blp.get("/jobs/<uuid:job_id>/candidates")
def pipeline(job_id):
    statement = select(JobCandidate).where(JobCandidate.job_id == job_id)
    rows, has_next = _offset_page(
        statement, [JobCandidate.created_at.desc(), JobCandidate.id.desc()]
    )
    _load_relations_one_by_one(rows)
    return JobCandidatePageSchema().dump(_page(rows, has_next))
