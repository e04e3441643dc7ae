"""The X-Event-Position header of list responses, for "load, then subscribe with since"."""

import functools

EVENT_POSITION_HEADER = "X-Event-Position"


def with_event_position(view):
    """Add the event position that the listed data reflects to a list view's headers.

    The data reflects at least every event up to the position. A client that
    subscribes with ``since`` set to it misses nothing, and may get again an event
    whose change the list already showed. The view must return ``(page, headers)``,
    as with_next_link does, with a page that read its position along with its rows
    (pagination.list_page), so the header costs no statement of its own.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        page, headers = view(*args, **kwargs)
        position = page.event_position
        if position is None:
            raise RuntimeError(f"{view.__qualname__} returned a page without its event position.")
        return page, {**headers, EVENT_POSITION_HEADER: str(position)}

    return wrapper
