"""HTTP layer: one blueprint per resource."""

from app.api import auth, candidates, clients, health, job_candidates, jobs, metrics


def register_blueprints(app, api):
    """Register the plain Flask blueprints on the app and the API ones on flask-smorest."""
    app.register_blueprint(health.blp)
    app.register_blueprint(metrics.prometheus_blp)
    for module in (auth, clients, jobs, candidates, job_candidates, metrics):
        api.register_blueprint(module.blp)
