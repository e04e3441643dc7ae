"""SQLAlchemy models. Importing this package registers every table on the metadata."""

from app.models.activity import Activity
from app.models.api_token import ApiToken
from app.models.cache_generation import CacheGeneration
from app.models.candidate import Candidate
from app.models.client import Client
from app.models.job import Job
from app.models.job_candidate import JobCandidate
from app.models.pipeline_counts import (
    ApplicationDay,
    CandidateActiveCount,
    DashboardCounter,
    JobPipelineCount,
)
from app.models.user import User

__all__ = [
    "Activity",
    "ApiToken",
    "ApplicationDay",
    "CacheGeneration",
    "Candidate",
    "CandidateActiveCount",
    "Client",
    "DashboardCounter",
    "Job",
    "JobCandidate",
    "JobPipelineCount",
    "User",
]
