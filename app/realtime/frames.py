"""The JSON text frames of events, built from activity rows."""

import json

from app.services.events import event_resource, scope_ids

# Activity actions and the event verb that clients see: a stage change is an update
# of the application, and the activity channel's payload names which kind it was.
EVENT_VERBS = {"created": "created", "updated": "updated", "stage_changed": "updated"}


def encode_text_frame(text):
    """Return a whole, unmasked WebSocket text frame for ``text`` (RFC 6455, section 5.2).

    An event goes to many sockets, so it is framed once here instead of once per
    socket by wsproto. The frame is uncompressed, which RFC 7692 allows on a
    connection that negotiated permessage-deflate too, and it leaves the
    compression context of the messages wsproto compresses untouched.
    """
    payload = text.encode("utf-8")
    length = len(payload)
    if length < 126:
        header = bytes((0x81, length))
    elif length < 1 << 16:
        header = bytes((0x81, 126)) + length.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + length.to_bytes(8, "big")
    return header + payload


def event_name(activity):
    verb = EVENT_VERBS.get(activity["action"], activity["action"])
    return f"{activity['entity_type']}.{verb}"


def activity_data(activity):
    """Return an activity as the activity feed shows it (ids, action, payload, no personal data)."""
    return {
        "id": activity["id"],
        "action": activity["action"],
        "entityType": activity["entity_type"],
        "entityId": str(activity["entity_id"]),
        "actorId": str(activity["actor_id"]) if activity["actor_id"] else None,
        **{key: value for key, value in scope_ids(activity).items() if key != "id"},
        "payload": activity["payload"],
        "createdAt": activity["created_at"].isoformat(),
    }


def event_frames(activity, channel_names):
    """Return ``{channel name: frame text}`` for the channels given.

    The resource is read at most once for all of them.
    """
    resource = None
    frames = {}
    for name in channel_names:
        if name == "activity":
            event, data = "activity.created", activity_data(activity)
        elif name == "dashboard":
            event = "dashboard.changed"
            data = {"entityType": activity["entity_type"], "action": activity["action"]}
        else:
            if resource is None:
                resource = event_resource(activity)
            event, data = event_name(activity), resource
        message = {
            "type": "event",
            "channel": name,
            "id": activity["id"],
            "event": event,
            "data": data,
            "at": activity["created_at"].isoformat(),
        }
        frames[name] = json.dumps(message, separators=(",", ":"))
    return frames
