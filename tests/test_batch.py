"""The batch loader: many rows by id in one query."""

import uuid

from app.extensions import db
from app.models import Client
from app.services.batch import load_by_ids


def test_load_by_ids_keeps_order_and_marks_missing(app, make_client_record, count_statements):
    first = uuid.UUID(make_client_record()["id"])
    second = uuid.UUID(make_client_record()["id"])
    missing = uuid.uuid4()
    loaded = []

    with app.app_context():
        statements = count_statements(
            lambda: loaded.extend(load_by_ids(Client, [second, missing, first, second]))
        )
        ids = [row.id if row is not None else None for row in loaded]
        db.session.remove()

    assert ids == [second, None, first, second]
    assert statements == 1


def test_load_by_ids_without_ids_sends_nothing(app, count_statements):
    loaded = []

    with app.app_context():
        statements = count_statements(lambda: loaded.extend(load_by_ids(Client, [])))

    assert loaded == []
    assert statements == 0
