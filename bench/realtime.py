"""Benchmark of live updates: many subscribed sockets, a steady stream of stage changes.

    .venv/bin/python -m bench.realtime [--sockets 1000] [--seconds 60] [--interval-ms 50]

Creates the scratch database `ats_bench_realtime` afresh with the demo seed, serves
the app with gunicorn's gevent worker (2 workers by default), and opens the
sockets from this process, half subscribed to `pipeline` and half to one job's
channel, so every socket gets every event. A writer then moves the job's
applications through the stages with one REST PATCH every interval.

For every event on every socket it records the time to the frame's arrival from
the PATCH response (the commit had happened by then), from the activity's INSERT
(the `at` of the event, taken before the commit) and from the PATCH request. The
time from commit to receipt lies between the first two. It reports p50, p99 and
max of all three, events lost, duplicated or out of order, and the workers'
memory per connection (resident memory after the sockets subscribed minus
before, divided by the socket count). The report goes to
bench/results/<date>-realtime.md and to standard output.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import psutil  # noqa: E402
import psycopg2  # noqa: E402
import websocket  # noqa: E402
from gevent.pool import Pool  # noqa: E402
from psycopg2 import sql  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.server import SECRET_KEY, admin_url, free_port  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_ROOT / "bench" / "results"
DATABASE_NAME = "ats_bench_realtime"
EMAIL = "realtime-bench@example.com"
STAGES = ("sourced", "applied", "screening", "interview", "offer")
# Sockets opened at once while connecting, so the accept queues do not overflow.
CONNECT_CONCURRENCY = 50


def libpq(url):
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def prepare_database():
    """Create `ats_bench_realtime` afresh, migrate it, load the demo seed; return its URL."""
    admin = make_url(admin_url())
    connection = psycopg2.connect(libpq(admin))
    connection.autocommit = True
    with connection.cursor() as cursor:
        name = sql.Identifier(DATABASE_NAME)
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    connection.close()
    url = admin.set(database=DATABASE_NAME).render_as_string(hide_password=False)
    flask(url, "db", "upgrade")
    flask(url, "seed", "--size", "demo")
    flask(url, "users", "create", EMAIL, "--password", "benchmark-password", "--role", "recruiter")
    return url


def environment(url):
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY}


def flask(url, *arguments):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *arguments],
        cwd=PROJECT_ROOT,
        env=environment(url),
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def busiest_job(url):
    """Return the id of the job with the most applications and ``{application id: stage}``."""
    connection = psycopg2.connect(libpq(url))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT job_id FROM job_candidates GROUP BY job_id ORDER BY count(*) DESC LIMIT 1"
        )
        job_id = cursor.fetchone()[0]
        cursor.execute("SELECT id, stage FROM job_candidates WHERE job_id = %s", (job_id,))
        applications = {str(row[0]): row[1] for row in cursor.fetchall()}
    connection.close()
    return str(job_id), applications


def start_server(url, port, workers, sockets, log):
    # Each gevent worker accepts at most worker_connections at once (1,000 by default).
    connections = str(sockets + 100)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wsgi:app", "--workers", str(workers)]
        + ["--worker-connections", connections, "--bind", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        env=environment(url),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start within 30 s")


def workers_cpu(server):
    """Return the CPU seconds that the gunicorn workers have used."""
    return sum(sum(child.cpu_times()[:2]) for child in psutil.Process(server.pid).children())


def process_cpu():
    return sum(psutil.Process().cpu_times()[:2])


def workers_rss(server):
    return sum(child.memory_info().rss for child in psutil.Process(server.pid).children())


# The application id and stage of each event id, parsed from the first frame that
# carries it. All sockets live in this process, so one dict serves them all.
EVENT_CHANGES = {}
# The time of each event's activity INSERT, from the `at` of its frame (the
# database clock, which is this machine's clock), on the perf_counter scale.
EVENT_INSERTED = {}
# time.time() minus time.perf_counter(), to convert wall-clock times.
WALL_CLOCK_OFFSET = time.time() - time.perf_counter()


class Socket:
    """One subscribed client; records ``(event id, arrival time)`` of every event."""

    def __init__(self, url, token, channel):
        self.received = []
        self.ws = websocket.create_connection(url, timeout=60)
        self.ws.send(json.dumps({"type": "auth", "token": token}))
        self.ws.recv()
        self.ws.send(json.dumps({"type": "subscribe", "channel": channel, "ref": "b"}))
        reply = json.loads(self.ws.recv())
        if reply.get("type") != "subscribed":
            raise RuntimeError(f"subscribe failed: {reply}")
        self.pending = b""
        self.watcher = gevent.get_hub().loop.io(self.ws.sock.fileno(), READ)
        self.watcher.start(self.on_readable)

    def on_readable(self):
        """Read the frames that arrived, straight from the socket.

        gevent's event loop calls this when the socket is readable, so no greenlet
        switch, timeout or retried read happens per frame. websocket-client and
        gevent's socket cost so much Python per frame that, at 20,000 frames a
        second, this process rather than the server was the bottleneck. Server
        frames are unmasked and unfragmented, so the parsing is short.
        """
        try:
            chunk = os.read(self.watcher.fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.stop_reading()
            return
        arrived = time.perf_counter()
        pending = self.pending + chunk
        position = 0
        while (frame := next_frame(pending, position)) is not None:
            opcode, payload, position = frame
            if opcode == OPCODE_PING:
                # Writing may block, which the event loop itself must not do.
                gevent.spawn(self.ws.pong, payload)
            elif opcode == OPCODE_CLOSE:
                self.stop_reading()
                return
            else:
                self.record(payload, arrived)
        self.pending = pending[position:]

    def record(self, payload, arrived):
        # The event id is the first "id" key of the frame. Only the first frame of
        # each event is parsed whole.
        start = payload.find(b'"id":')
        if start < 0:
            return
        event_id = int(payload[start + 5 : payload.find(b",", start)])
        if event_id not in EVENT_CHANGES:
            message = json.loads(payload)
            EVENT_CHANGES[event_id] = (message["data"]["id"], message["data"]["stage"])
            inserted = dt.datetime.fromisoformat(message["at"]).timestamp()
            EVENT_INSERTED[event_id] = inserted - WALL_CLOCK_OFFSET
        self.received.append((event_id, arrived))
        LAST_ARRIVAL[0] = arrived

    def stop_reading(self):
        self.watcher.stop()

    def close(self):
        """Stop reading, so that websocket-client itself reads the server's close reply."""
        self.stop_reading()
        try:
            self.ws.close(timeout=1)
        except (websocket.WebSocketException, OSError):
            pass


# The arrival time of the newest frame on any socket.
LAST_ARRIVAL = [0.0]
# After the last change, wait until no frame arrived for DRAIN_QUIET_S, at most
# DRAIN_MAX_S, so that events still in flight count as late, not as lost.
DRAIN_QUIET_S = 3.0
DRAIN_MAX_S = 60.0


def wait_for_quiet(quiet_s, max_s):
    """Sleep until no frame arrived for ``quiet_s`` or ``max_s`` passed; return the time."""
    deadline = time.perf_counter() + max_s
    while time.perf_counter() < deadline:
        if time.perf_counter() - LAST_ARRIVAL[0] >= quiet_s:
            break
        gevent.sleep(0.2)
    return time.perf_counter()


OPCODE_CLOSE = 0x8
OPCODE_PING = 0x9
# libev's event mask for a readable descriptor.
READ = 1


def next_frame(buffer, position):
    """Return ``(opcode, payload, next position)`` of the frame at ``position``, or None
    while the buffer does not yet contain all of it (RFC 6455, section 5.2)."""
    if len(buffer) < position + 2:
        return None
    opcode = buffer[position] & 0x0F
    length = buffer[position + 1] & 0x7F
    offset = position + 2
    if length == 126:
        length = int.from_bytes(buffer[offset : offset + 2], "big")
        offset += 2
    elif length == 127:
        length = int.from_bytes(buffer[offset : offset + 8], "big")
        offset += 8
    end = offset + length
    if len(buffer) < end:
        return None
    return opcode, buffer[offset:end], end


def patch(port, token, application_id, stage):
    body = json.dumps({"stage": stage}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/job-candidates/{application_id}",
        data=body,
        method="PATCH",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def next_stage(stage):
    """Return an active stage other than ``stage``, so that every PATCH changes something."""
    if stage not in STAGES:
        return STAGES[0]
    return STAGES[(STAGES.index(stage) + 1) % len(STAGES)]


def write_changes(port, token, stages, seconds, interval_s):
    """Start one PATCH every interval, whatever earlier ones take; return their records.

    Each record is ``[application id, stage, request time, response time]``.
    ``stages`` maps application ids to their current stage and is kept up to date.
    Applications are moved round-robin, so one application is moved again only
    after all the others, long after its previous event arrived.
    """
    records = []
    requests = []
    applications = list(stages)
    deadline = time.perf_counter() + seconds
    next_at = time.perf_counter()
    number = 0
    while time.perf_counter() < deadline:
        gevent.sleep(max(0.0, next_at - time.perf_counter()))
        application = applications[number % len(applications)]
        stage = next_stage(stages[application])
        stages[application] = stage
        record = [application, stage, time.perf_counter(), None]
        records.append(record)
        requests.append(gevent.spawn(send_change, port, token, record))
        number += 1
        next_at += interval_s
    gevent.joinall(requests, raise_error=True)
    return records


def send_change(port, token, record):
    """Send one PATCH; a failed one (e.g. 503 when the pool is exhausted) keeps no response time."""
    try:
        patch(port, token, record[0], record[1])
    except (urllib.error.URLError, OSError) as error:
        print(f"PATCH of {record[0]} failed: {error}", file=sys.stderr)
        return
    record[3] = time.perf_counter()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(arguments):
    url = prepare_database()
    token = flask(url, "tokens", "create", EMAIL).strip().splitlines()[-1]
    job_id, applications = busiest_job(url)
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"bench-realtime-{port}.log"
    print(f"gunicorn logs to {log_path}", flush=True)
    with open(log_path, "wb") as log:
        server = start_server(url, port, arguments.workers, arguments.sockets, log)
    sockets = []
    try:
        gevent.sleep(2)
        rss_before = workers_rss(server)
        ws_url = f"ws://127.0.0.1:{port}/ws"
        channels = ["pipeline", f"job:{job_id}"]
        pool = Pool(CONNECT_CONCURRENCY)
        sockets[:] = pool.map(
            lambda n: Socket(ws_url, token, channels[n % 2]), range(arguments.sockets)
        )
        gevent.sleep(2)
        rss_after = workers_rss(server)

        changes_started = time.perf_counter()
        cpu_before = workers_cpu(server), process_cpu()
        records = write_changes(
            port, token, applications, arguments.seconds, arguments.interval_ms / 1000
        )
        drained_at = wait_for_quiet(DRAIN_QUIET_S, DRAIN_MAX_S)
        cpu_used = workers_cpu(server) - cpu_before[0], process_cpu() - cpu_before[1]
    finally:
        for socket in sockets:
            socket.close()
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    first_arrivals = {}
    for socket in sockets:
        for event_id, arrived in socket.received:
            first_arrivals[event_id] = min(arrived, first_arrivals.get(event_id, arrived))
    committed = [record for record in records if record[3] is not None]
    change_records = {
        event_id: change_of(committed, event_id, arrived)
        for event_id, arrived in first_arrivals.items()
    }
    from_response, from_insert, from_request = [], [], []
    lost = duplicated = reordered = 0
    for socket in sockets:
        ids = [event_id for event_id, _ in socket.received]
        lost += len(committed) - len(set(ids))
        duplicated += len(ids) - len(set(ids))
        reordered += sum(1 for a, b in zip(ids, ids[1:], strict=False) if b <= a)
        for event_id, arrived in socket.received:
            if change_records[event_id] is None:
                continue
            _, _, started, done = change_records[event_id]
            from_response.append(arrived - done)
            from_insert.append(arrived - EVENT_INSERTED[event_id])
            from_request.append(arrived - started)

    return {
        "sockets": arguments.sockets,
        "workers": arguments.workers,
        "changes": len(records),
        "failed": len(records) - len(committed),
        "events": len(first_arrivals),
        "rate": len(records) / arguments.seconds,
        "deliveries": len(from_response),
        "lost": lost,
        "duplicated": duplicated,
        "reordered": reordered,
        "from_response_ms": summary(from_response),
        "from_insert_ms": summary(from_insert),
        "from_request_ms": summary(from_request),
        "memory_per_connection_kib": (rss_after - rss_before) / arguments.sockets / 1024,
        "workers_cpu_s": cpu_used[0],
        "generator_cpu_s": cpu_used[1],
        "wall_s": round(drained_at - changes_started),
    }


def change_of(records, event_id, arrived):
    """Return the record of the PATCH behind an event.

    That is the latest PATCH of the event's application and stage sent before the
    event first arrived.
    """
    application, stage = EVENT_CHANGES[event_id]
    candidates = [
        record
        for record in records
        if record[0] == application and record[1] == stage and record[2] <= arrived
    ]
    # None when the PATCH committed but its response failed to arrive.
    return candidates[-1] if candidates else None


def summary(values):
    if not values:
        return {"p50": None, "p99": None, "max": None}
    return {
        "p50": statistics.median(values) * 1000,
        "p99": percentile(values, 0.99) * 1000,
        "max": max(values) * 1000,
    }


def report(arguments, result):
    def latency(key):
        numbers = result[key]
        if numbers["p50"] is None:
            return "no events"
        p50, p99, worst = numbers["p50"], numbers["p99"], numbers["max"]
        return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.1f} ms"

    command = " ".join(["python -m bench.realtime", *sys.argv[1:]])
    return "\n".join(
        [
            f"# Live updates benchmark, {dt.date.today().isoformat()}",
            "",
            f"- command: `{command}`",
            f"- machine: {os.cpu_count()} cores, {platform.machine()}, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB; the load generator, gunicorn "
            "and PostgreSQL share it",
            f"- data: demo seed; {result['sockets']} sockets over {result['workers']} gevent "
            f"workers, half on `pipeline` and half on the busiest job's channel",
            f"- load: one stage change (REST PATCH) started every {arguments.interval_ms} ms "
            f"for {arguments.seconds} s: {result['changes']} changes "
            f"({result['rate']:.1f}/s, {result['failed']} failed), "
            f"{result['events']} distinct events seen, "
            f"{result['deliveries']} deliveries",
            "",
            "| measure | result |",
            "|---|---|",
            f"| PATCH response to receipt (lower bound) | {latency('from_response_ms')} |",
            f"| activity INSERT to receipt (upper bound) | {latency('from_insert_ms')} |",
            f"| PATCH request to receipt (upper bound) | {latency('from_request_ms')} |",
            f"| events lost / duplicated / out of order | {result['lost']} / "
            f"{result['duplicated']} / {result['reordered']} |",
            f"| worker memory per connection | {result['memory_per_connection_kib']:.0f} KiB |",
            f"| CPU seconds in the {result['wall_s']} s of changes and drain | workers "
            f"{result['workers_cpu_s']:.1f}, load generator {result['generator_cpu_s']:.1f} |",
            "",
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000, help="sockets to open (1000)")
    parser.add_argument("--seconds", type=int, default=60, help="seconds of changes (60)")
    parser.add_argument("--interval-ms", type=int, default=50, help="ms between changes (50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--output", help="report path; default bench/results/<date>-realtime.md")
    arguments = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, arguments.sockets + 1000))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

    text = report(arguments, measure(arguments))
    print(text)
    output = Path(arguments.output or RESULTS / f"{dt.date.today().isoformat()}-realtime.md")
    output.write_text(text)
    print(f"Wrote {output}")


if __name__ == "__main__":
    main()
