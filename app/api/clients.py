"""Client endpoints."""

from flask.views import MethodView

from app.api.authentication import current_user
from app.api.blueprint import ApiBlueprint
from app.api.event_position import with_event_position
from app.api.paging import with_next_link
from app.schemas.client import (
    ClientListArgsSchema,
    ClientPageSchema,
    ClientSchema,
    ClientUpdateSchema,
)
from app.schemas.query import DeleteArgsSchema
from app.services import clients

blp = ApiBlueprint(
    "clients", __name__, url_prefix="/api/clients", description="Companies the agency hires for."
)


@blp.route("")
class Clients(MethodView):
    @blp.arguments(ClientListArgsSchema, location="query")
    @blp.response(200, ClientPageSchema)
    @with_event_position
    def get(self, args):
        """List clients, newest first."""
        return with_next_link(clients.list_clients(**args))

    @blp.arguments(ClientSchema)
    @blp.response(201, ClientSchema)
    def post(self, data):
        """Create a client."""
        return clients.create_client(data, current_user())


@blp.route("/<uuid:client_id>")
class ClientById(MethodView):
    @blp.response(200, ClientSchema)
    def get(self, client_id):
        """Get one client."""
        return clients.get_client(client_id)

    @blp.arguments(ClientUpdateSchema(partial=True))
    @blp.response(200, ClientSchema)
    def patch(self, changes, client_id):
        """Change some fields of a client."""
        return clients.update_client(client_id, changes, current_user())

    @blp.arguments(DeleteArgsSchema, location="query")
    @blp.response(204)
    def delete(self, args, client_id):
        """Delete a client; refused while it has jobs unless cascade=true."""
        clients.delete_client(client_id, current_user(), cascade=args["cascade"])
