"""HTTP side of pagination: the RFC 8288 ``Link`` header for the next page."""

from flask import request, url_for


def with_next_link(page):
    """Return ``(page, headers)`` for a view, with ``Link: <...>; rel="next"`` when more follow."""
    if not page.has_next_page:
        return page, {}
    args = request.args.to_dict(flat=False)
    args["cursor"] = page.next_cursor
    # A path without scheme and host, which RFC 8288 allows: it does not depend on
    # the Host header, and stays right behind a proxy.
    next_url = url_for(request.endpoint, **(request.view_args or {}), **args)
    return page, {"Link": f'<{next_url}>; rel="next"'}
