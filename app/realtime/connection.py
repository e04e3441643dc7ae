"""One WebSocket client: its subscriptions and its bounded send queue."""

import json
import logging
import socket
import threading
import time
from collections import deque

from simple_websocket import ConnectionClosed

logger = logging.getLogger(__name__)

# Close codes from RFC 6455, section 7.4.1.
GOING_AWAY = 1001
POLICY_VIOLATION = 1008


class FrameSocket:
    """The client's socket, changed so that every frame is written whole.

    simple-websocket writes with a single ``send``, which may write part of a frame
    when the socket buffer is nearly full, and its reader greenlet writes pongs
    while events go out. Writing each frame with ``sendall`` under a lock keeps
    frames from being cut or interleaved.
    """

    def __init__(self, sock):
        self._sock = sock
        self._lock = threading.Lock()

    def send(self, data):
        with self._lock:
            self._sock.sendall(data)
        return len(data)

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

    Every outgoing message goes through a queue of at most ``max_queue`` messages,
    drained by this connection's own sender greenlet, so a client that reads slowly
    only blocks its own sender. A client that falls behind by more than the queue
    contains is disconnected.
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
        self._wakeup = threading.Event()
        self._close_frame = None
        self._sender = threading.Thread(target=self._send_loop, daemon=True, name="ws-sender")
        self._sender.start()

    @property
    def queued(self):
        return len(self._queue)

    def send_json(self, message):
        self.send_text(json.dumps(message, separators=(",", ":")))

    def send_text(self, text):
        """Queue a text message, or disconnect the client when its queue is full.

        ``text`` is a str, or bytes of a whole frame made by frames.encode_text_frame.
        """
        if self.closing:
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
        self._wakeup.set()

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
        self._wakeup.set()
        threading.Thread(target=self._cut_after_timeout, daemon=True).start()

    def stop(self):
        """End the sender once the socket is gone, dropping anything still queued."""
        self._queue.clear()
        self.closed.set()
        self._wakeup.set()

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

    def _send_loop(self):
        try:
            while not self.closed.is_set():
                self._wakeup.wait()
                self._wakeup.clear()
                while self._queue:
                    message = self._queue.popleft()
                    if isinstance(message, bytes):
                        self.ws.sock.send(self._join_frames(message))
                    else:
                        self.ws.send(message)
                if self._close_frame is not None:
                    self.ws.close(*self._close_frame)
                    # simple-websocket closes the socket when the client's close reply arrives.
                    self._wait_for_close_reply()
                    return
        except (ConnectionClosed, OSError) as error:
            logger.info("WebSocket of user %s closed while sending: %s", self.user_id, error)
        finally:
            self.closed.set()

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
