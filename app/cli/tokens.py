"""`flask tokens create`: issue an API token for scripts and integrations."""

import datetime as dt

import click
from flask.cli import AppGroup

from app.services.tokens import issue_token
from app.services.users import find_user_by_email

tokens_group = AppGroup("tokens", help="Manage API tokens.")


@tokens_group.command("create")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="Label to recognise the token by.")
@click.option(
    "--expires-in-days",
    type=click.IntRange(min=1),
    help="Days until the token expires. Without it the token does not expire.",
)
def create(email, name, expires_in_days):
    """Print a new API token for the user with EMAIL. It is shown only this once."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    expires_at = None
    if expires_in_days:
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=expires_in_days)
    _, token_text = issue_token(user, name=name, expires_at=expires_at)
    click.echo(token_text)
