"""Partial updates of model instances."""


def apply_changes(entity, changes):
    """Set the attributes in ``changes`` that differ and return their names, in order.

    Unchanged values are left alone so that a no-op PATCH writes nothing and logs no
    activity.
    """
    changed = []
    for name, value in changes.items():
        if getattr(entity, name) != value:
            setattr(entity, name, value)
            changed.append(name)
    return changed
