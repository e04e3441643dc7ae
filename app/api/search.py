"""Search endpoint: one box over candidates, jobs and clients."""

from app.api.blueprint import ApiBlueprint
from app.schemas.search import SearchArgsSchema, SearchPageSchema
from app.services import search as search_service

blp = ApiBlueprint(
    "search", __name__, url_prefix="/api/search", description="Search candidates, jobs, clients."
)


@blp.route("", methods=["GET"])
@blp.arguments(SearchArgsSchema, location="query")
@blp.response(200, SearchPageSchema)
def search(args):
    """Search candidates, jobs and clients, best match first."""
    return search_service.search(
        args.get("q"), types=args.get("type"), limit=args["limit"], offset=args["offset"]
    )
