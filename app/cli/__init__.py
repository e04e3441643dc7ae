"""Flask CLI commands: `flask users`, `flask tokens` and `flask seed`."""

from app.cli.seed import seed_command
from app.cli.tokens import tokens_group
from app.cli.users import users_group


def register_commands(app):
    app.cli.add_command(users_group)
    app.cli.add_command(tokens_group)
    app.cli.add_command(seed_command)
