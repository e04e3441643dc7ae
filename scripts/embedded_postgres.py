"""Start (or reuse) the embedded PostgreSQL server of this checkout and print a URL.

Used by scripts/run and by the test suite when no PostgreSQL server is configured.
The server comes from the pgserver package, listens only on a Unix socket inside
its data folder, and keeps running after this script exits, so later runs reuse it.

Usage: python scripts/embedded_postgres.py [--database NAME] [--data-dir DIR] [--stop]
Prints the URL of database NAME (created when missing), or of the server's
``postgres`` database when no name is given. With --stop it stops the server.
"""

import argparse
import logging
import os
import subprocess
import warnings
from pathlib import Path

# pgserver's dependency platformdirs warns when XDG_RUNTIME_DIR is unset, as it is
# in containers and CI; the fallback it uses works.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

import pgserver  # noqa: E402
import psycopg2  # noqa: E402
from psycopg2 import sql  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / ".data" / "postgres"


def ensure_running(data_dir=DEFAULT_DATA_DIR):
    """Start the server unless it runs already, and return the URL of its ``postgres`` database."""
    data_dir = Path(data_dir).resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    return server.get_uri()


def stop(data_dir=DEFAULT_DATA_DIR):
    """Stop the server if it runs; return whether it was running."""
    data_dir = Path(data_dir).resolve()
    if not (data_dir / "postmaster.pid").exists():
        return False
    # pgserver runs PostgreSQL as the user "pgserver" when started by root, and
    # pg_ctl must run as the server's user.
    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pgserver.pg_ctl(["-w", "stop"], pgdata=data_dir, user=user)
    except subprocess.CalledProcessError:
        return False
    return True


def ensure_database(admin_url, name):
    """Create database ``name`` unless it exists, and return its URL."""
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()
    return admin_url.replace("/postgres?", f"/{name}?", 1)


def main():
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database to create when missing and print the URL of")
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="server data folder"
    )
    parser.add_argument("--stop", action="store_true", help="stop the server and exit")
    args = parser.parse_args()

    if args.stop:
        print("stopped" if stop(args.data_dir) else "not running")
        return

    url = ensure_running(args.data_dir)
    if args.database:
        url = ensure_database(url, args.database)
    print(url)


if __name__ == "__main__":
    main()
