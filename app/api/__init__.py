"""HTTP layer: one blueprint per resource."""

from app.api import (
    auth,
    candidates,
    clients,
    dashboard,
    health,
    job_candidates,
    jobs,
    search,
)


def register_blueprints(app, api):
    """Register the plain Flask blueprints on the app and the API ones on flask-smorest."""
    app.register_blueprint(health.blp)
    for module in (auth, clients, jobs, candidates, job_candidates, dashboard, search):
        api.register_blueprint(module.blp)
