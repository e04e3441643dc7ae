"""Dashboard endpoints: numbers, recent activity, pipeline summary, and all at once."""

from flask import current_app
from flask.views import MethodView

from app.api.authentication import current_user, reads_cache_generations
from app.api.blueprint import ApiBlueprint
from app.api.paging import with_next_link
from app.caching import generations
from app.caching.rendered import cached_rendering
from app.schemas.dashboard import (
    ME,
    ActivityPageSchema,
    BatchArgsSchema,
    BatchSchema,
    PipelineSummaryArgsSchema,
    PipelineSummaryPageSchema,
    RecentActivityArgsSchema,
    StatsArgsSchema,
    StatsSchema,
)
from app.services import dashboard_batch
from app.services.dashboard_activity import recent_activity
from app.services.dashboard_pipeline import pipeline_summary
from app.services.dashboard_stats import dashboard_stats

# Reused: a new instance would build its nested schemas again on every render,
# which took 0.6 of the 0.96 ms that dumping a whole batch took.
BATCH_SCHEMA = BatchSchema()

blp = ApiBlueprint(
    "dashboard",
    __name__,
    url_prefix="/api/dashboard",
    description="The recruiter's first screen: numbers, activity and pipelines, cached.",
)


def _dump_section(name, value):
    """Return a batch section's value as the batch schema dumps it."""
    return BATCH_SCHEMA.fields[name].serialize(name, {name: value})


def _owner(args):
    """Resolve ``ownerId=me`` to the caller, so the cache key contains a real user id."""
    owner_id = args.get("owner_id")
    return current_user().id if owner_id == ME else owner_id


@blp.route("/stats")
@reads_cache_generations
class Stats(MethodView):
    @blp.arguments(StatsArgsSchema, location="query")
    @blp.response(200, StatsSchema)
    def get(self, args):
        """Count open jobs, jobs by status, applications by stage and recent hires."""
        return dashboard_stats(args.get("client_id"), _owner(args))


@blp.route("/recent-activity")
@reads_cache_generations
class RecentActivity(MethodView):
    @blp.arguments(RecentActivityArgsSchema, location="query")
    @blp.response(200, ActivityPageSchema)
    def get(self, args):
        """List the newest activities with the actor's name and a label of each entity."""
        page = recent_activity(
            args.get("client_id"),
            args.get("job_id"),
            args.get("candidate_id"),
            _owner(args),
            args["limit"],
            args.get("cursor"),
        )
        return with_next_link(page)


@blp.route("/pipeline-summary")
@reads_cache_generations
class PipelineSummary(MethodView):
    @blp.arguments(PipelineSummaryArgsSchema, location="query")
    @blp.response(200, PipelineSummaryPageSchema)
    def get(self, args):
        """Count applications by stage per open job or client, most recently active first."""
        page = pipeline_summary(
            args["group_by"],
            args.get("client_id"),
            _owner(args),
            args["limit"],
            args.get("cursor"),
        )
        return with_next_link(page)


@blp.route("/batch")
@reads_cache_generations
class Batch(MethodView):
    @blp.arguments(BatchArgsSchema, location="query")
    @blp.response(200, BatchSchema)
    def get(self, args):
        """Return several sections in one response, computed concurrently.

        A section that fails appears under `errors` and the others still return.
        """
        include = dashboard_batch.parse_include(args.get("include"))
        scope = {
            "client_id": args.get("client_id"),
            "owner_id": _owner(args),
            "group_by": args["group_by"],
            "limit": args["limit"],
        }
        generation_map = generations.read()

        def render():
            dumped, errors = dashboard_batch.gather(
                include, scope, generation_map, finish=_dump_section
            )
            if errors:
                dumped["errors"] = BATCH_SCHEMA.fields["errors"].serialize(
                    "errors", {"errors": errors}
                )
            body = {
                field.data_key or name: dumped[name]
                for name, field in BATCH_SCHEMA.fields.items()
                if name in dumped
            }
            # Compact, like the JSON of the other endpoints (see FastJSONProvider).
            return current_app.json.dumps(body), not errors

        body = cached_rendering("batch", (include, scope), generation_map, render)
        return current_app.response_class(body, mimetype="application/json")
