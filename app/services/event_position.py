"""The event position: the id of the newest committed activity.

Activity ids grow in commit order (migration 0005_events), so every activity
with a smaller id is committed too, and data read in the same snapshot as the
position, or later, reflects at least every event up to it.
"""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Activity

# The label of the position where a statement reads it along with other columns.
POSITION_LABEL = "event_position_"

# Every list page reads the position, inside its own statement. Built once, on the
# table's column rather than the mapped attribute, it skips the statement
# construction and the ORM's compile step each time.
NEWEST_ACTIVITY_ID = select(func.coalesce(func.max(Activity.__table__.c.id), 0))


def current_event_position():
    """Return the id of the newest committed activity, or 0 when there is none."""
    return db.session.scalar(NEWEST_ACTIVITY_ID)


def event_position_column():
    """Return the position as a column labelled POSITION_LABEL, to read with other data.

    PostgreSQL computes the uncorrelated subquery once per statement, and in the
    statement's own snapshot, so the data it comes with reflects exactly the events
    up to it.
    """
    return NEWEST_ACTIVITY_ID.scalar_subquery().label(POSITION_LABEL)
