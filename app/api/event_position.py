"""The X-Event-Position header of list responses, for "load, then subscribe with since"."""

import functools

from app.services.events import current_event_position

EVENT_POSITION_HEADER = "X-Event-Position"


def with_event_position(view):
    """Add the event position that the listed data reflects to a list view's headers.

    The position is read before the data, so the data reflects at least every event
    up to it. A client that subscribes with ``since`` set to it misses nothing, and
    may get again an event whose change the list already showed. The view must
    return ``(body, headers)``, as with_next_link does.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        position = current_event_position()
        body, headers = view(*args, **kwargs)
        return body, {**headers, EVENT_POSITION_HEADER: str(position)}

    return wrapper
