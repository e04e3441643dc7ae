"""Interleaved latency of the same requests on two commits, served side by side.

    .venv/bin/python -m bench.compare OLD_COMMIT [--new HEAD] [--rounds 40] PATH...

Checks out OLD_COMMIT, and --new unless the working tree is to be compared,
into temporary git worktrees. Serves each with gunicorn (1 gevent worker) on the
scratch database of bench.lists. Then sends each PATH to the two servers in
turn, one request at a time, for --rounds rounds after 5 of warm-up. Both
servers run through the same minutes, so a machine whose speed drifts during
the run slows both alike, which separate benchmark runs cannot promise. Prints
the median latency of each and their ratio. Both trees run with this checkout's .venv, so
the commits must share requirements.txt.
"""

import argparse
import http.client
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.server import PROJECT_ROOT, BenchDatabase, free_port

WARM_UP_ROUNDS = 5


def add_worktree(commit, parent):
    path = Path(parent) / commit.replace("/", "_")
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(path), commit],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    return path


def serve(tree, database):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wsgi:app", "-c", "gunicorn.conf.py"]
        + ["--workers", "1", "--bind", f"127.0.0.1:{port}"],
        cwd=tree,
        env={**database.environment(), "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn in {tree} did not start within 30 s")


def timed_get(connection, path, headers):
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(
            f"GET {path} failed with status {response.status}; check that both commits serve it"
        )
    return (time.perf_counter() - started) * 1000


def compare(ports, paths, headers, rounds):
    connections = {
        name: http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for name, port in ports.items()
    }
    for path in paths:
        latencies = {name: [] for name in ports}
        for round_number in range(WARM_UP_ROUNDS + rounds):
            for name, connection in connections.items():
                elapsed = timed_get(connection, path, headers)
                if round_number >= WARM_UP_ROUNDS:
                    latencies[name].append(elapsed)
        old, new = (statistics.median(latencies[name]) for name in ("old", "new"))
        print(f"{path}: old {old:.2f} ms, new {new:.2f} ms, new/old {new / old:.2f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description="Compare two commits' latency, interleaved.")
    parser.add_argument("old", help="the commit to compare against")
    parser.add_argument("--new", help="the commit to compare (default: this working tree)")
    parser.add_argument("--rounds", type=int, default=40, help="measured requests per path")
    parser.add_argument("paths", nargs="+", help="GET paths, e.g. '/api/search?q=todd'")
    args = parser.parse_args()

    database = BenchDatabase.prepare()
    token = database.flask("tokens", "create", "bench@example.com").strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    processes = []
    with tempfile.TemporaryDirectory() as parent:
        trees = {"old": add_worktree(args.old, parent)}
        trees["new"] = add_worktree(args.new, parent) if args.new else PROJECT_ROOT
        try:
            ports = {}
            for name, tree in trees.items():
                process, ports[name] = serve(tree, database)
                processes.append(process)
            compare(ports, args.paths, headers, args.rounds)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
            for tree in trees.values():
                if tree != PROJECT_ROOT:
                    subprocess.run(
                        ["git", "worktree", "remove", "--force", str(tree)],
                        cwd=PROJECT_ROOT,
                        check=False,
                    )


if __name__ == "__main__":
    main()
