"""`flask users create`: add a user from the command line."""

import click
from flask.cli import AppGroup

from app.models.enums import USER_ROLES
from app.services.exceptions import DomainError
from app.services.users import create_user, find_user_by_email

users_group = AppGroup("users", help="Manage users.")


@users_group.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(USER_ROLES), default="recruiter", show_default=True)
@click.option("--name", help="Display name. Defaults to the part of the email before @.")
@click.option("--if-missing", is_flag=True, help="Exit quietly when the user already exists.")
def create(email, password, role, name, if_missing):
    """Create a user with EMAIL, a password and a role."""
    if if_missing and find_user_by_email(email) is not None:
        click.echo(f"User {email} already exists.")
        return
    try:
        user = create_user(email, password, role=role, name=name)
    except DomainError as error:
        details = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in (error.fields or {}).items()
        )
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    click.echo(f"Created {user.role} {user.email} ({user.id}).")
