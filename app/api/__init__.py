"""HTTP layer: one blueprint per resource."""

from app.api import (
    auth,
    candidates,
    clients,
    dashboard,
    health,
    job_candidates,
    jobs,
    metrics,
    search,
    tokens,
    users,
)


def register_blueprints(app, api):
    """Register the plain Flask blueprints on the app and the API ones on flask-smorest."""
    app.register_blueprint(health.blp)
    app.register_blueprint(metrics.prometheus_blp)
    modules = (auth, tokens, users, clients, jobs, candidates, job_candidates)
    for module in (*modules, dashboard, search, metrics):
        api.register_blueprint(module.blp)
