"""The /ws message protocol for one client: authentication, then subscribe and unsubscribe."""

import json
import logging
import os
import time
from collections import deque

from app.extensions import db
from app.realtime.channels import authorize_channel, parse_channel
from app.realtime.connection import POLICY_VIOLATION, Subscription
from app.realtime.errors import ProtocolError
from app.realtime.frames import event_frames
from app.realtime.replay import load_replay
from app.services.exceptions import DomainError
from app.services.tokens import authenticate_token

logger = logging.getLogger(__name__)

# How often the message loop wakes up to notice a socket that the server closed.
RECEIVE_POLL_S = 1.0
MAX_REF_LENGTH = 100
# Error replies counted for flood protection, over this window.
ERROR_WINDOW_S = 60.0


def _error(code, message, ref=None):
    reply = {"type": "error", "code": code, "message": message}
    if ref is not None:
        reply["ref"] = ref
    return reply


class ClientSession:
    """Runs the protocol on one Connection until the client leaves or is closed."""

    def __init__(self, app, hub, connection, session_token=None):
        self.config = app.config
        self.hub = hub
        self.connection = connection
        self.ws = connection.ws
        # The token in the handshake's session cookie, when its Origin may use one.
        self.session_token = session_token
        self.user = None
        self.error_times = deque()

    def run(self):
        if not self.authenticate():
            return
        while not self.connection.closing:
            raw = self.ws.receive(timeout=RECEIVE_POLL_S)
            if raw is not None:
                self.handle(raw)

    # Authentication ------------------------------------------------------

    def authenticate(self):
        """Authenticate by the session cookie, else by the auth message.

        A socket that sends anything else first, or nothing within
        REALTIME_AUTH_TIMEOUT_S, is closed with 1008.
        """
        api_token = self._token_of_session()
        via = "session"
        if api_token is None:
            api_token = self._token_of_auth_message()
            via = "message"
        if api_token is None:
            return False

        self.user = api_token.user
        self.connection.token_id = api_token.id
        self.connection.user_id = self.user.id
        if str(api_token.id) in self.hub.revoked_tokens:
            self.hub.counters["auth_failures"] += 1
            self.connection.close(POLICY_VIOLATION, "The token was revoked.")
            return False
        self.connection.send_json(
            {"type": "authenticated", "userId": str(self.user.id), "via": via}
        )
        logger.info(
            "WebSocket authenticated for user %s (token %s, by %s) in worker %d",
            self.user.id,
            api_token.id,
            via,
            os.getpid(),
        )
        return True

    def _token_of_session(self):
        """Return the ApiToken of the session cookie, or None when it has none that is valid.

        An expired or revoked cookie falls back to the auth message, so that a
        client holding a newer token can still send it.
        """
        if self.session_token is None:
            return None
        try:
            return authenticate_token(self.session_token)
        except DomainError as error:
            logger.info("WebSocket session cookie rejected: %s", error.message)
            return None
        finally:
            db.session.remove()

    def _token_of_auth_message(self):
        """Wait for the auth message and return its ApiToken, or None after closing the socket."""
        timeout = self.config["REALTIME_AUTH_TIMEOUT_S"]
        raw = self.ws.receive(timeout=timeout)
        if raw is None:
            self.hub.counters["auth_failures"] += 1
            self.connection.close(POLICY_VIOLATION, f"No auth message within {timeout:g} s.")
            return None
        try:
            message = self.decode(raw)
            if message.get("type") != "auth":
                raise ProtocolError(
                    "not_authenticated",
                    'Send {"type": "auth", "token": "<bearer token>"} before anything else.',
                )
            token = message.get("token")
            if not isinstance(token, str) or not token:
                raise ProtocolError("invalid_message", "The auth message needs a token string.")
            return authenticate_token(token)
        except (ProtocolError, DomainError) as error:
            self.hub.counters["auth_failures"] += 1
            self.connection.send_json(_error(error.code, error.message))
            self.connection.close(POLICY_VIOLATION, "Authentication failed.")
            return None
        finally:
            db.session.remove()

    # Messages ------------------------------------------------------------

    def decode(self, raw):
        """Return a message as a dict, or raise ProtocolError saying what is wrong with it."""
        if not isinstance(raw, str):
            raise ProtocolError("invalid_message", "Send JSON text frames, not binary ones.")
        limit = self.config["REALTIME_MAX_MESSAGE_BYTES"]
        if len(raw.encode("utf-8")) > limit:
            raise ProtocolError("message_too_large", f"Messages may be at most {limit} bytes.")
        try:
            message = json.loads(raw)
        except (ValueError, RecursionError):
            raise ProtocolError("invalid_json", "The message is not valid JSON.") from None
        if not isinstance(message, dict):
            raise ProtocolError("invalid_message", "The message must be a JSON object.")
        return message

    def handle(self, raw):
        ref = None
        try:
            message = self.decode(raw)
            ref = message.get("ref")
            if ref is not None and (not isinstance(ref, str) or len(ref) > MAX_REF_LENGTH):
                ref = None
                raise ProtocolError(
                    "invalid_message",
                    f"ref must be a string of at most {MAX_REF_LENGTH} characters.",
                )
            kind = message.get("type")
            if kind == "subscribe":
                self.subscribe(message, ref)
            elif kind == "unsubscribe":
                self.unsubscribe(message, ref)
            elif kind == "ping":
                self.connection.send_json({"type": "pong", "ref": ref})
            elif kind == "auth":
                raise ProtocolError("already_authenticated", "This socket is authenticated.")
            else:
                raise ProtocolError(
                    "unknown_type",
                    f"Unknown message type {kind!r}. Types are subscribe, unsubscribe and ping.",
                )
        except (ProtocolError, DomainError) as error:
            self.reply_error(error.code, error.message, ref)

    def reply_error(self, code, message, ref):
        """Send an error reply, and close the socket of a client that keeps sending bad ones."""
        self.connection.send_json(_error(code, message, ref))
        now = time.monotonic()
        self.error_times.append(now)
        while self.error_times[0] < now - ERROR_WINDOW_S:
            self.error_times.popleft()
        if len(self.error_times) > self.config["REALTIME_MAX_ERRORS_PER_MINUTE"]:
            logger.warning("Closing WebSocket of user %s: too many invalid messages", self.user.id)
            self.connection.close(POLICY_VIOLATION, "Too many invalid messages.")

    # Subscriptions -------------------------------------------------------

    def subscribe(self, message, ref):
        channel = parse_channel(message.get("channel"))
        since = message.get("since")
        if since is not None and (type(since) is not int or since < 0):
            raise ProtocolError("invalid_since", "since must be an event id: an integer >= 0.")
        if channel.name in self.connection.subscriptions:
            raise ProtocolError("already_subscribed", f"Already subscribed to {channel.name}.")
        if len(self.connection.subscriptions) >= self.config["REALTIME_MAX_SUBSCRIPTIONS"]:
            raise ProtocolError(
                "too_many_subscriptions",
                f"A socket may follow at most {self.config['REALTIME_MAX_SUBSCRIPTIONS']} "
                "channels. Unsubscribe from one first.",
            )
        try:
            authorize_channel(self.user, channel)
        finally:
            db.session.remove()
        if not self.hub.ready.wait(self.config["REALTIME_AUTH_TIMEOUT_S"]):
            raise ProtocolError("unavailable", "Live updates are unavailable. Retry shortly.")

        subscription = Subscription(channel, replaying=since is not None)
        self.hub.subscribe(self.connection, subscription)
        reply = {"type": "subscribed", "ref": ref, "channel": channel.name}
        if since is None:
            self.connection.send_json(reply)
            return
        try:
            self.replay(subscription, since, reply)
        except Exception:
            self.hub.unsubscribe(self.connection, channel.name)
            logger.exception("Replay of %s for user %s failed", channel.name, self.user.id)
            raise ProtocolError("unavailable", "The replay failed. Retry shortly.") from None
        finally:
            db.session.remove()

    def replay(self, subscription, since, reply):
        """Send the reply and the events after ``since``, then the live events held meanwhile."""
        name = subscription.channel.name
        recovered, activities = load_replay(
            subscription.channel, since, self.config["REALTIME_REPLAY_MAX_EVENTS"]
        )
        self.connection.send_json({**reply, "recovered": recovered})
        for activity in activities:
            subscription.last_id = activity["id"]
            self.connection.send_text(event_frames(activity, [name])[name])
        self.connection.finish_replay(name)

    def unsubscribe(self, message, ref):
        channel = parse_channel(message.get("channel"))
        if channel.name not in self.connection.subscriptions:
            raise ProtocolError("not_subscribed", f"Not subscribed to {channel.name}.")
        self.hub.unsubscribe(self.connection, channel.name)
        self.connection.send_json({"type": "unsubscribed", "ref": ref, "channel": channel.name})
