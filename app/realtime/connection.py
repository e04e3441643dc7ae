"""One WebSocket client: its subscriptions and its bounded send queue."""

import json
import logging
import os
import socket
import threading
import time
from collections import deque

from simple_websocket import ConnectionClosed

logger = logging.getLogger(__name__)

# Close codes from RFC 6455, section 7.4.1.
GOING_AWAY = 1001
POLICY_VIOLATION = 1008


def write_nowait(sock, data):
    """Write what the kernel takes of ``data`` now, and return that byte count (0 if none).

    This bypasses gevent's socket, whose send waits until the socket is writable
    and whose sendall calls getsockopt(SO_SNDBUF) every time. A gevent socket keeps
    its descriptor non-blocking (gevent 26.9, gevent/_socket3.py), so os.write
    does not block the worker.
    """
    try:
        return os.write(sock.fileno(), data)
    except BlockingIOError:
        return 0


class FrameSocket:
    """The client's socket, changed so that every frame is written whole and in order.

    simple-websocket writes with a single ``send``, which may write part of a frame
    when the socket buffer is nearly full, and its reader greenlet writes pongs
    while events go out. Writing each frame with ``sendall`` under a lock keeps
    frames from being cut or interleaved.

    ``send_now`` writes a frame without waiting. When the kernel takes only part
    of it, the rest waits in ``unsent`` and goes out first on the next write.
    """

    def __init__(self, sock):
        self._sock = sock
        self._lock = threading.Lock()
        self.unsent = b""

    def send(self, data):
        with self._lock:
            if self.unsent:
                data, self.unsent = self.unsent + data, b""
            self._sock.sendall(data)
        return len(data)

    def send_now(self, frame):
        """Write ``frame`` without blocking, or return False without writing if it must wait.

        It must wait while another greenlet is writing, after a partly written
        frame, or when the socket buffer is full. Errors return False too, so that
        the caller's queued write meets and reports them.
        """
        if self.unsent or self._lock.locked():
            return False
        try:
            written = write_nowait(self._sock, frame)
        except OSError:
            return False
        if written == 0:
            return False
        self.unsent = frame[written:]
        return True

    def flush(self):
        """Write what ``send_now`` left unsent, waiting as long as that takes."""
        if self.unsent:
            self.send(b"")

    def __getattr__(self, name):
        return getattr(self._sock, name)


class Subscription:
    """A channel followed by one client, with the id of the last event sent on it.

    While a replay is loading, live events wait in ``pending`` so that the replay
    and the live stream join without a gap or a duplicate.
    """

    def __init__(self, channel, *, replaying):
        self.channel = channel
        self.last_id = 0
        self.pending = [] if replaying else None


class Connection:
    """The server side of one authenticated or authenticating WebSocket.

    An event frame goes straight to the socket when nothing else is waiting and the
    kernel takes it without blocking, which is the usual case. Otherwise the
    message waits in a queue of at most ``max_queue`` messages, drained by a sender
    greenlet that this connection starts when the queue fills and that ends when
    it is empty. A client that reads slowly thus blocks only its own sender, and
    one that falls behind by more than the queue contains is disconnected.

    This relies on gevent, as wsgi.py sets up: a greenlet runs until it blocks, so
    the checks and updates of the queue and sender between two writes cannot
    interleave with another greenlet's.
    """

    def __init__(self, ws, *, max_queue, close_timeout_s, on_overflow=None):
        self.ws = ws
        self.raw_socket = ws.sock
        ws.sock = FrameSocket(ws.sock)
        self.max_queue = max_queue
        self.close_timeout_s = close_timeout_s
        self.on_overflow = on_overflow
        self.token_id = None
        self.user_id = None
        self.subscriptions = {}
        self.closed = threading.Event()
        self.closing = False
        self._queue = deque()
        self._close_frame = None
        # The running sender, if any. The queue is empty whenever this is None.
        self._sender = None

    @property
    def queued(self):
        return len(self._queue)

    def send_json(self, message):
        self.send_text(json.dumps(message, separators=(",", ":")))

    def send_text(self, text):
        """Send or queue a text message, or disconnect the client when its queue is full.

        ``text`` is a str, or bytes of a whole frame made by frames.encode_text_frame.
        Only such frames are written at once: a str goes through simple-websocket,
        which compresses it when the client negotiated permessage-deflate.
        """
        if self.closing or self.closed.is_set():
            return
        if self._sender is None and isinstance(text, bytes) and self.ws.sock.send_now(text):
            if self.ws.sock.unsent:
                self._start_sender()
            return
        if len(self._queue) >= self.max_queue:
            logger.warning(
                "Disconnecting WebSocket of user %s: %d messages were waiting to be sent",
                self.user_id,
                len(self._queue),
            )
            if self.on_overflow is not None:
                self.on_overflow()
            self.close(
                POLICY_VIOLATION,
                "Send queue overflow: the client did not read events fast enough",
                drop_queued=True,
            )
            return
        self._queue.append(text)
        self._start_sender()

    def deliver(self, channel_name, event_id, text):
        """Send a live event unless it was sent already, or hold it while a replay loads."""
        subscription = self.subscriptions.get(channel_name)
        if subscription is None:
            return
        if subscription.pending is not None:
            subscription.pending.append((event_id, text))
            return
        if event_id > subscription.last_id:
            subscription.last_id = event_id
            self.send_text(text)

    def finish_replay(self, channel_name):
        """Send the live events held during the replay that the replay did not include."""
        subscription = self.subscriptions[channel_name]
        held, subscription.pending = subscription.pending, None
        for event_id, text in held:
            if event_id > subscription.last_id:
                subscription.last_id = event_id
                self.send_text(text)

    def close(self, code, reason, *, drop_queued=False):
        """Send a close frame after the queued messages, and cut the socket if it is stuck.

        With ``drop_queued`` the close frame goes next, ahead of what was queued. The
        frame may never arrive when the client stopped reading, so the socket is shut
        down after ``close_timeout_s`` whatever happens.
        """
        if self.closing:
            return
        self.closing = True
        if drop_queued:
            self._queue.clear()
        self._close_frame = (code, reason)
        self._start_sender()
        threading.Thread(target=self._cut_after_timeout, daemon=True).start()

    def stop(self):
        """Stop sending once the socket is gone, dropping anything still queued."""
        self._queue.clear()
        self.closed.set()

    def _cut_after_timeout(self):
        if self.closed.wait(self.close_timeout_s):
            return
        self.abort()

    def abort(self):
        """Shut the socket down at once, which also ends a send blocked on it."""
        try:
            self.raw_socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.ws.connected = False
        self.closed.set()

    def _start_sender(self):
        if self._sender is None:
            self._sender = threading.Thread(target=self._send_loop, daemon=True, name="ws-sender")
            self._sender.start()

    def _send_loop(self):
        """Write the queue out, then the close frame if close() requested one, and end."""
        try:
            self.ws.sock.flush()
            while self._queue and not self.closed.is_set():
                message = self._queue.popleft()
                if isinstance(message, bytes):
                    self.ws.sock.send(self._join_frames(message))
                else:
                    self.ws.send(message)
            if self._close_frame is not None and not self.closed.is_set():
                self.ws.close(*self._close_frame)
                # simple-websocket closes the socket when the client's close reply arrives.
                self._wait_for_close_reply()
                self.closed.set()
        except (ConnectionClosed, OSError) as error:
            logger.info("WebSocket of user %s closed while sending: %s", self.user_id, error)
            self.closed.set()
        except BaseException:
            self.closed.set()
            raise
        finally:
            # No greenlet switch happens between the empty-queue check and here, so
            # send_text cannot have queued a message that no sender would write.
            self._sender = None

    def _join_frames(self, first):
        """Return ``first`` with the whole frames queued right after it, to write at once."""
        frames = [first]
        while self._queue and isinstance(self._queue[0], bytes):
            frames.append(self._queue.popleft())
        return b"".join(frames)

    def _wait_for_close_reply(self):
        deadline = time.monotonic() + self.close_timeout_s
        while self.ws.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
