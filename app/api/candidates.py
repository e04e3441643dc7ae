"""Candidate endpoints."""

from flask.views import MethodView

from app.api.authentication import current_user
from app.api.blueprint import ApiBlueprint
from app.api.event_position import with_event_position
from app.api.paging import with_next_link
from app.schemas.candidate import (
    CandidateListArgsSchema,
    CandidatePageSchema,
    CandidateSchema,
    CandidateUpdateSchema,
)
from app.schemas.query import DeleteArgsSchema
from app.services import candidates

blp = ApiBlueprint(
    "candidates", __name__, url_prefix="/api/candidates", description="People to place in jobs."
)


@blp.route("")
class Candidates(MethodView):
    @blp.arguments(CandidateListArgsSchema, location="query")
    @blp.response(200, CandidatePageSchema)
    @with_event_position
    def get(self, args):
        """List candidates, newest first."""
        return with_next_link(candidates.list_candidates(**args))

    @blp.arguments(CandidateSchema)
    @blp.response(201, CandidateSchema)
    def post(self, data):
        """Create a candidate."""
        return candidates.create_candidate(data, current_user())


@blp.route("/<uuid:candidate_id>")
class CandidateById(MethodView):
    @blp.response(200, CandidateSchema)
    def get(self, candidate_id):
        """Get one candidate."""
        return candidates.get_candidate(candidate_id)

    @blp.arguments(CandidateUpdateSchema(partial=True))
    @blp.response(200, CandidateSchema)
    def patch(self, changes, candidate_id):
        """Change some fields of a candidate."""
        return candidates.update_candidate(candidate_id, changes, current_user())

    @blp.arguments(DeleteArgsSchema, location="query")
    @blp.response(204)
    def delete(self, args, candidate_id):
        """Delete a candidate; refused while they have applications unless cascade=true."""
        candidates.delete_candidate(candidate_id, current_user(), cascade=args["cascade"])
