"""`flask seed`: load realistic recruiting data of a chosen size."""

import time

import click
import psycopg2.errors
import psycopg2.extensions
from flask.cli import with_appcontext

from app.extensions import db
from app.seed.generator import SeedGenerator
from app.seed.loader import existing_rows, load, reset
from app.seed.sizes import SIZES


@click.command("seed")
@click.option("--size", type=click.Choice(tuple(SIZES)), default="demo", show_default=True)
@click.option(
    "--seed",
    "random_seed",
    type=int,
    default=42,
    show_default=True,
    help="Random seed; the same seed gives the same names and choices.",
)
@click.option(
    "--reset",
    "reset_first",
    is_flag=True,
    help=(
        "First delete all clients, jobs, candidates and applications, the whole "
        "activity log, and the recruiters an earlier seed created, with their tokens."
    ),
)
@click.option(
    "--if-empty", is_flag=True, help="Do nothing when the database already contains data."
)
@with_appcontext
def seed_command(size, random_seed, reset_first, if_empty):
    """Load realistic recruiting data with COPY. Needs empty tables unless --reset."""
    # COPY does not work in psycopg2's green mode, which wsgi.py turns on for gevent.
    psycopg2.extensions.set_wait_callback(None)
    counts = SIZES[size]
    connection = db.engine.raw_connection()
    try:
        with connection.cursor() as cursor:
            filled = [table for table, has_rows in existing_rows(cursor).items() if has_rows]
            if filled and if_empty:
                click.echo(f"Database already contains data ({', '.join(filled)}); not seeding.")
                return
            if filled and not reset_first:
                raise click.ClickException(
                    f"Tables {', '.join(filled)} already contain rows. "
                    "Run with --reset to replace them, or --if-empty to skip."
                )
            if reset_first:
                reset(cursor)

        click.echo(
            f"Seeding {size}: {counts.clients:,} clients, {counts.jobs:,} jobs, "
            f"{counts.candidates:,} candidates, {counts.applications:,} applications."
        )
        started = time.monotonic()
        generator = SeedGenerator(counts, seed=random_seed, now=time.time())
        totals = load(connection, generator, report=click.echo)
    except (KeyboardInterrupt, psycopg2.errors.QueryCanceled):
        # Ctrl-C also cancels the running COPY on the server, which raises QueryCanceled.
        connection.rollback()
        raise click.ClickException("Seeding was interrupted; the database is unchanged.") from None
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()

    elapsed = time.monotonic() - started
    summary = ", ".join(f"{count:,} {table}" for table, count in totals.items())
    click.echo(f"Done in {elapsed:.1f}s: {summary}.")
