"""Conversion between the database's snake_case names and the API's camelCase keys."""


def camelize(name):
    """Return ``job_candidate_id`` as ``jobCandidateId``; dotted paths convert per part."""
    return ".".join(_camelize_part(part) for part in name.split("."))


def _camelize_part(part):
    head, *rest = part.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)
