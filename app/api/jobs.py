"""Job endpoints, including a job's pipeline of candidates."""

from flask.views import MethodView

from app.api.authentication import current_user
from app.api.blueprint import ApiBlueprint
from app.api.event_position import with_event_position
from app.api.paging import with_next_link
from app.schemas.job import JobListArgsSchema, JobPageSchema, JobSchema, JobUpdateSchema
from app.schemas.job_candidate import JobCandidatePageSchema, PipelineArgsSchema
from app.schemas.query import DeleteArgsSchema
from app.services import job_candidates, jobs

blp = ApiBlueprint("jobs", __name__, url_prefix="/api/jobs", description="Openings at clients.")


@blp.route("")
class Jobs(MethodView):
    @blp.arguments(JobListArgsSchema, location="query")
    @blp.response(200, JobPageSchema)
    @with_event_position
    def get(self, args):
        """List jobs, newest first, with their client and owner."""
        return with_next_link(jobs.list_jobs(**args))

    @blp.arguments(JobSchema)
    @blp.response(201, JobSchema)
    def post(self, data):
        """Create a job."""
        return jobs.create_job(data, current_user())


@blp.route("/<uuid:job_id>")
class JobById(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """Get one job."""
        return jobs.get_job(job_id)

    @blp.arguments(JobUpdateSchema(partial=True))
    @blp.response(200, JobSchema)
    def patch(self, changes, job_id):
        """Change some fields of a job."""
        return jobs.update_job(job_id, changes, current_user())

    @blp.arguments(DeleteArgsSchema, location="query")
    @blp.response(204)
    def delete(self, args, job_id):
        """Delete a job; refused while it has applications unless cascade=true."""
        jobs.delete_job(job_id, current_user(), cascade=args["cascade"])


@blp.route("/<uuid:job_id>/candidates")
class JobPipeline(MethodView):
    @blp.arguments(PipelineArgsSchema, location="query")
    @blp.response(200, JobCandidatePageSchema)
    @with_event_position
    def get(self, args, job_id):
        """List the job's applications with each candidate embedded."""
        return with_next_link(job_candidates.list_job_pipeline(job_id, **args))
