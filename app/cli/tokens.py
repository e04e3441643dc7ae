"""`flask tokens`: issue, list and revoke API tokens for scripts and integrations."""

import datetime as dt
import uuid

import click
from flask.cli import AppGroup

from app.services.tokens import issue_token, list_tokens, revoke_token
from app.services.users import find_user_by_email

tokens_group = AppGroup("tokens", help="Manage API tokens.")


def _user_or_fail(email):
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    return user


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
    user = _user_or_fail(email)
    expires_at = None
    if expires_in_days:
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=expires_in_days)
    _, token_text = issue_token(user, name=name, expires_at=expires_at)
    click.echo(token_text)


def _timestamp(value):
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@tokens_group.command("list")
@click.argument("email")
def list_command(email):
    """List the tokens of the user with EMAIL: id, name, created, last used, expires, revoked."""
    user = _user_or_fail(email)
    for token in list_tokens(user):
        click.echo(
            f"{token.id}  {token.name:<12}  created {_timestamp(token.created_at)}"
            f"  last used {_timestamp(token.last_used_at)}"
            f"  expires {_timestamp(token.expires_at)}  revoked {_timestamp(token.revoked_at)}"
        )


@tokens_group.command("revoke")
@click.argument("token_id", type=click.UUID)
def revoke(token_id: uuid.UUID):
    """Revoke the token with TOKEN_ID (from `flask tokens list`) at once."""
    if not revoke_token(token_id):
        raise click.ClickException(f"No token with id {token_id}.")
    click.echo(f"Revoked token {token_id}.")
