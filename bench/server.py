"""The benchmark's scratch database and gunicorn server."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import make_url

from app.seed.sizes import SIZES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# BENCH_DATABASE names another scratch database, e.g. for two checkouts on one server.
DATABASE_NAME = os.environ.get("BENCH_DATABASE", "ats_bench")
SECRET_KEY = "benchmark-only-secret-key-not-for-any-deployment"
BENCH_EMAIL = "bench@example.com"
BENCH_PASSWORD = "benchmark-password"


def admin_url():
    """Return the admin URL of the server to benchmark on.

    BENCH_ADMIN_URL, else TEST_DATABASE_URL, else the embedded PostgreSQL.
    """
    configured = os.environ.get("BENCH_ADMIN_URL") or os.environ.get("TEST_DATABASE_URL")
    if configured:
        return configured
    script = PROJECT_ROOT / "scripts" / "embedded_postgres.py"
    return subprocess.run(
        [sys.executable, str(script)], check=True, capture_output=True, text=True
    ).stdout.strip()


class BenchDatabase:
    """A scratch database (``ats_bench`` unless named otherwise), seeded large."""

    def __init__(self, url):
        self.url = url
        self.libpq_url = make_url(url).set(drivername="postgresql").render_as_string(False)

    @classmethod
    def prepare(cls, name=DATABASE_NAME, size="large"):
        """Create, migrate and seed database ``name`` unless it already contains seed ``size``."""
        admin = make_url(admin_url())
        connection = psycopg2.connect(admin.set(drivername="postgresql").render_as_string(False))
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        connection.close()

        database = cls(admin.set(database=name).render_as_string(False))
        database.flask("db", "upgrade")
        if database.count("candidates") != SIZES[size].candidates:
            print(f"Loading the {size} seed into {name}...", flush=True)
            database.flask("seed", "--size", size, "--reset", quiet=False)
        database.flask(
            "users",
            "create",
            BENCH_EMAIL,
            "--password",
            BENCH_PASSWORD,
            "--role",
            "viewer",
            "--if-missing",
        )
        return database

    def environment(self):
        return {**os.environ, "DATABASE_URL": self.url, "SECRET_KEY": SECRET_KEY}

    def flask(self, *arguments, quiet=True):
        """Run a `flask --app wsgi` command against this database; return its output."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *arguments],
            cwd=PROJECT_ROOT,
            env=self.environment(),
            check=True,
            capture_output=quiet,
            text=True,
        )
        return result.stdout or ""

    def query(self, statement, parameters=()):
        connection = psycopg2.connect(self.libpq_url)
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, parameters)
                return cursor.fetchall()
        finally:
            connection.close()

    def count(self, table):
        return self.query(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))[0][0]

    def busiest_job_id(self):
        return str(
            self.query(
                "SELECT job_id FROM job_candidates GROUP BY job_id ORDER BY count(*) DESC LIMIT 1"
            )[0][0]
        )

    @property
    def row_counts(self):
        tables = ("clients", "jobs", "candidates", "job_candidates", "activities")
        return ", ".join(f"{self.count(table):,} {table}" for table in tables)

    @property
    def server_version(self):
        return "PostgreSQL " + self.query("SHOW server_version")[0][0]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BenchServer:
    """gunicorn serving ``app_module`` (by default the API plus the naive routes) on loopback.

    The server's output goes to ``output``, an open file, or is discarded.
    ``environment`` adds variables to the server's environment.
    """

    def __init__(
        self, database, workers=2, app_module="bench.app:app", output=None, environment=None
    ):
        self.database = database
        self.workers = workers
        self.app_module = app_module
        self.output = output
        self.extra_environment = environment or {}
        self.port = free_port()
        self.process = None
        self.token = None

    def __enter__(self):
        self.token = self.database.flask("tokens", "create", BENCH_EMAIL).strip().splitlines()[-1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", self.app_module, "--workers", str(self.workers)]
            + ["--bind", f"127.0.0.1:{self.port}"],
            cwd=PROJECT_ROOT,
            env={**self.database.environment(), **self.extra_environment},
            stdout=self.output or subprocess.DEVNULL,
            stderr=self.output or subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError("gunicorn did not start within 30 s")

    def worker_cpu_seconds(self):
        """Return the CPU time (user plus system) that the workers have used so far.

        Reads /proc, so it works on Linux only. A restarted worker's time is lost.
        """
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        total = 0.0
        for pid in children.read_text().split():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except FileNotFoundError:
                continue
            # The fields after the command name, which may contain spaces, start at
            # the process state; utime and stime are the 14th and 15th fields.
            fields = stat.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def __exit__(self, *exc_info):
        self.process.terminate()
        self.process.wait(timeout=30)
