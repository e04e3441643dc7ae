"""gunicorn entry point for the floor benchmark: a Flask app that does the least it can.

- ``/health`` returns a constant.
- ``/one-read-each`` does the least work of a warm dashboard batch that checks
  the caller's token and the cache generations in PostgreSQL. It runs one
  statement on a pooled psycopg2 connection and one Redis GET, and returns the
  cached text. It checks nothing and logs nothing.
"""

import os

import gevent.queue
import psycopg2
import redis
from flask import Flask, Response
from psycogreen.gevent import patch_psycopg

patch_psycopg()

app = Flask(__name__)

POOL_SIZE = 10
# Under the benchmark's key prefix, which it deletes at the end.
CACHED_KEY = os.environ.get("CACHE_KEY_PREFIX", "ats-bench-floor:") + "cached"
CACHED_TEXT = '{"stats": {}}'

_connections = gevent.queue.Queue()
for _ in range(POOL_SIZE):
    _connections.put(None)
_redis = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
_redis.set(CACHED_KEY, CACHED_TEXT, ex=3600)


@app.get("/health")
def health():
    return {"status": "ok"}


def _connect():
    # Autocommit: the statement is the only round trip, with no BEGIN and ROLLBACK.
    connection = psycopg2.connect(os.environ["BENCH_FLOOR_DSN"])
    connection.autocommit = True
    return connection


@app.get("/one-read-each")
def one_read_each():
    connection = _connections.get() or _connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchall()
    finally:
        _connections.put(connection)
    return Response(_redis.get(CACHED_KEY), mimetype="application/json")
