"""Application endpoints: a candidate on a job and their pipeline stage."""

from flask.views import MethodView

from app.api.authentication import current_user
from app.api.blueprint import ApiBlueprint
from app.api.event_position import with_event_position
from app.api.paging import with_next_link
from app.schemas.job_candidate import (
    JobCandidateListArgsSchema,
    JobCandidatePageSchema,
    JobCandidateSchema,
    JobCandidateUpdateSchema,
)
from app.services import job_candidates

blp = ApiBlueprint(
    "job-candidates",
    __name__,
    url_prefix="/api/job-candidates",
    description="Applications: candidates on jobs, moving through pipeline stages.",
)


@blp.route("")
class JobCandidates(MethodView):
    @blp.arguments(JobCandidateListArgsSchema, location="query")
    @blp.response(200, JobCandidatePageSchema)
    @with_event_position
    def get(self, args):
        """List applications, newest first, with their job and candidate."""
        return with_next_link(job_candidates.list_applications(**args))

    @blp.arguments(JobCandidateSchema)
    @blp.response(201, JobCandidateSchema)
    def post(self, data):
        """Put a candidate on a job."""
        return job_candidates.create_application(data, current_user())


@blp.route("/<uuid:application_id>")
class JobCandidateById(MethodView):
    @blp.response(200, JobCandidateSchema)
    def get(self, application_id):
        """Get one application."""
        return job_candidates.get_application(application_id)

    @blp.arguments(JobCandidateUpdateSchema)
    @blp.response(200, JobCandidateSchema)
    def patch(self, changes, application_id):
        """Move an application to another stage, or change its rejection reason."""
        return job_candidates.update_application(application_id, changes, current_user())

    @blp.response(204)
    def delete(self, application_id):
        """Delete an application."""
        job_candidates.delete_application(application_id, current_user())
