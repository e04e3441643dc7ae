"""The per-worker PostgreSQL listener that feeds committed activities to the hub."""

import logging
import select
import threading
import time

import psycopg2
from sqlalchemy.engine import make_url

from app.extensions import db
from app.services.event_position import current_event_position
from app.services.events import activities_after

logger = logging.getLogger(__name__)

# Channels that the activities trigger and token revocation NOTIFY on.
ACTIVITIES_CHANNEL = "activities"
TOKEN_REVOCATIONS_CHANNEL = "token_revocations"
# Activities read per query while catching up, so a long outage is read in pages.
CATCH_UP_BATCH = 500
# Events dispatched before other greenlets get to run. A socket that cannot take
# them at once queues them, and its sender then writes them in one system call, so
# the batch must stay well below REALTIME_SEND_QUEUE_MAX.
DISPATCH_BATCH = 16


def listener_dsn(database_uri):
    """Return a libpq URL for psycopg2 from the app's SQLAlchemy URL."""
    url = make_url(database_uri).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class Listener:
    """One greenlet per worker with its own connection, outside the pool, that LISTENs.

    A notification only wakes the listener, which then reads every activity above
    the last one it dispatched, in id order. Ids grow in commit order, so this
    misses nothing, and after a reconnect the same read catches up on what was
    committed while it was away.
    """

    def __init__(self, app, hub):
        self.app = app
        self.hub = hub
        self.dsn = listener_dsn(app.config["SQLALCHEMY_DATABASE_URI"])
        self.keepalive_s = app.config["REALTIME_LISTENER_KEEPALIVE_S"]
        self.max_retry_s = app.config["REALTIME_LISTENER_RETRY_MAX_S"]
        self.last_id = None
        self.connection = None
        self._thread = threading.Thread(target=self.run, daemon=True, name="realtime-listener")

    def start(self):
        self._thread.start()

    def run(self):
        delay = 0.5
        while True:
            try:
                self._listen()
            except (psycopg2.Error, OSError) as error:
                self.hub.counters["listener_reconnects"] += 1
                logger.warning(
                    "Realtime listener lost PostgreSQL (%s); reconnecting in %.1f s",
                    str(error).strip(),
                    delay,
                )
            except Exception:
                self.hub.counters["listener_reconnects"] += 1
                logger.exception("Realtime listener failed; restarting in %.1f s", delay)
            # A connection that had worked retries quickly; repeated failures back off.
            if self.hub.ready.is_set():
                delay = 0.5
            self._close_connection()
            time.sleep(delay)
            delay = min(delay * 2, self.max_retry_s)

    def _listen(self):
        self.connection = psycopg2.connect(self.dsn, application_name="ats-realtime-listener")
        self.connection.autocommit = True
        with self.connection.cursor() as cursor:
            cursor.execute(f"LISTEN {ACTIVITIES_CHANNEL}; LISTEN {TOKEN_REVOCATIONS_CHANNEL}")
        if self.last_id is None:
            # Listening already, so every activity committed after this read is notified.
            with self.app.app_context():
                self.last_id = current_event_position()
                db.session.remove()
        logger.info("Realtime listener is listening from event %d", self.last_id)
        self._catch_up()
        self.hub.ready.set()

        while True:
            readable, _, _ = select.select([self.connection], [], [], self.keepalive_s)
            if not readable:
                # A dead server or a dropped network path shows up only when we talk.
                with self.connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                continue
            self.connection.poll()
            self._handle(self.connection.notifies)
            self.connection.notifies.clear()

    def _handle(self, notifications):
        newest = 0
        for notification in notifications:
            if notification.channel == TOKEN_REVOCATIONS_CHANNEL:
                self.hub.close_token(notification.payload)
            elif notification.payload.isdigit():
                newest = max(newest, int(notification.payload))
        if newest > self.last_id:
            self._catch_up()

    def _catch_up(self):
        """Dispatch every committed activity above ``last_id``, oldest first."""
        with self.app.app_context():
            try:
                while True:
                    rows = activities_after(self.last_id, limit=CATCH_UP_BATCH)
                    if not rows:
                        return
                    for start in range(0, len(rows), DISPATCH_BATCH):
                        batch = rows[start : start + DISPATCH_BATCH]
                        self.hub.dispatch(batch)
                        self.last_id = batch[-1]["id"]
                        # Under gevent this lets the sockets' senders write between
                        # batches, so a burst does not fill every queue before any
                        # sender runs.
                        time.sleep(0)
                    if len(rows) < CATCH_UP_BATCH:
                        return
            finally:
                db.session.remove()

    def _close_connection(self):
        self.hub.ready.clear()
        if self.connection is None:
            return
        try:
            self.connection.close()
        except psycopg2.Error:
            pass
        self.connection = None
