"""Channel names, which activities each channel carries, and who may subscribe."""

import uuid
from dataclasses import dataclass

from sqlalchemy import true

from app.models import Activity
from app.realtime.errors import ProtocolError
from app.services import candidates, jobs
from app.services.permissions import require_reader

# Channels without an id, and the entity types whose activities they carry
# (None means every type).
GLOBAL_CHANNELS = {
    "pipeline": ("job_candidate",),
    "dashboard": None,
    "activity": None,
}
# Channels of one entity, written `<kind>:<uuid>`.
ENTITY_CHANNELS = ("job", "candidate")
MAX_CHANNEL_LENGTH = 100


class ChannelError(ProtocolError):
    """A channel name that is invalid or names no channel."""


@dataclass(frozen=True)
class Channel:
    name: str
    kind: str
    entity_id: uuid.UUID | None = None

    def condition(self):
        """Return the SQL condition on Activity that selects this channel's activities."""
        if self.kind == "pipeline":
            return Activity.entity_type == "job_candidate"
        if self.kind == "job":
            return (Activity.job_id == self.entity_id) & Activity.entity_type.in_(
                ("job", "job_candidate")
            )
        if self.kind == "candidate":
            return Activity.candidate_id == self.entity_id
        return true()


def parse_channel(name):
    """Return the Channel named ``pipeline``, ``job:<uuid>`` and so on, or raise ChannelError."""
    if not isinstance(name, str) or not name or len(name) > MAX_CHANNEL_LENGTH:
        raise ChannelError("invalid_channel", "Give the channel as a non-empty string.")
    if name in GLOBAL_CHANNELS:
        return Channel(name, name)

    kind, separator, raw_id = name.partition(":")
    if not separator or kind not in ENTITY_CHANNELS:
        raise ChannelError(
            "unknown_channel",
            f"Unknown channel {name!r}. Channels are pipeline, dashboard, activity, "
            "job:<id> and candidate:<id>.",
        )
    try:
        entity_id = uuid.UUID(raw_id)
    except ValueError:
        raise ChannelError("invalid_channel", f"{raw_id!r} in {name!r} is not a UUID.") from None
    # The canonical spelling, so that `job:ABC…` and `job:abc…` share one subscription.
    return Channel(f"{kind}:{entity_id}", kind, entity_id)


def channel_names_for(activity):
    """Return the names of every channel that carries ``activity`` (a dict of its columns)."""
    entity_type = activity["entity_type"]
    names = [
        name for name, types in GLOBAL_CHANNELS.items() if types is None or entity_type in types
    ]
    if activity["job_id"] is not None and entity_type in ("job", "job_candidate"):
        names.append(f"job:{activity['job_id']}")
    if activity["candidate_id"] is not None:
        names.append(f"candidate:{activity['candidate_id']}")
    return names


def authorize_channel(user, channel):
    """Raise a domain error unless ``user`` may read what the channel carries.

    The rules are those of the REST reads: every role may read, and an entity
    channel needs an entity that exists (NotFound otherwise), as GET on it would.
    """
    require_reader(user)
    if channel.kind == "job":
        jobs.get_job(channel.entity_id)
    elif channel.kind == "candidate":
        candidates.get_candidate(channel.entity_id)
