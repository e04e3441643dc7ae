"""Structural limits of a parsed JSON body: nesting depth and items per array or object."""

import marshmallow as ma


def check_json_shape(document, *, max_depth, max_items):
    """Raise ValidationError if ``document`` nests deeper than ``max_depth`` levels or
    has an array or object with more than ``max_items`` entries.

    The walk uses an explicit stack, so a deep document cannot exhaust Python's
    recursion limit here.
    """
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            raise ma.ValidationError(
                f"The JSON body nests deeper than the maximum of {max_depth} levels."
            )
        if len(children) > max_items:
            raise ma.ValidationError(
                f"A JSON array or object in the body has more than the maximum of "
                f"{max_items} entries."
            )
        stack.extend((child, depth + 1) for child in children)
