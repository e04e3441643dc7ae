"""HTTP layer: one blueprint per resource."""

from app.api import auth, candidates, clients, health, job_candidates, jobs, tokens, users


def register_blueprints(app, api):
    """Register the plain Flask blueprints on the app and the API ones on flask-smorest."""
    app.register_blueprint(health.blp)
    for module in (auth, tokens, users, clients, jobs, candidates, job_candidates):
        api.register_blueprint(module.blp)
