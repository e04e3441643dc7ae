"""Replay of a channel's events after a position, from the activities table."""

from app.services.event_position import current_event_position
from app.services.events import activities_after, oldest_event_id


def load_replay(channel, since, max_events):
    """Return ``(recovered, activities)``: the channel's activities after ``since``, oldest first.

    ``recovered`` is False, with no activities, when ``since`` is newer than any
    committed event (it came from elsewhere), older than the retained history, or
    when more than ``max_events`` activities follow it. The client must then
    reload its data over REST.
    """
    if since > current_event_position():
        return False, []
    oldest = oldest_event_id()
    if oldest is not None and since < oldest - 1:
        return False, []
    activities = activities_after(since, condition=channel.condition(), limit=max_events + 1)
    if len(activities) > max_events:
        return False, []
    return True, activities
