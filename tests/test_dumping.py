"""The schemas' faster serialization gives what marshmallow's own gives, value for value."""

import datetime as dt
import uuid

import marshmallow as ma
import pytest

from app.database_uuids import DatabaseUUID
from app.extensions import db
from app.schemas.base import ApiSchema
from app.schemas.candidate import CandidatePageSchema
from app.schemas.client import ClientPageSchema
from app.schemas.dashboard import ActivityPageSchema, PipelineSummaryPageSchema, StatsSchema
from app.schemas.fields import Text, UtcDateTime
from app.schemas.job import JobPageSchema
from app.schemas.job_candidate import JobCandidatePageSchema
from app.services.candidates import list_candidates
from app.services.clients import list_clients
from app.services.dashboard_activity import recent_activity
from app.services.dashboard_pipeline import pipeline_summary
from app.services.dashboard_stats import dashboard_stats
from app.services.job_candidates import list_applications
from app.services.jobs import list_jobs

pytestmark = pytest.mark.keeps_data

PAGES = {
    "jobs": (JobPageSchema, lambda: list_jobs(limit=100)),
    "clients": (ClientPageSchema, lambda: list_clients(limit=100)),
    "candidates": (CandidatePageSchema, lambda: list_candidates(limit=100)),
    "applications": (JobCandidatePageSchema, lambda: list_applications(limit=100)),
    "activity": (ActivityPageSchema, lambda: recent_activity.uncached(None, None, None, None, 100)),
    "pipeline": (PipelineSummaryPageSchema, lambda: pipeline_summary.uncached("job")),
    "stats": (StatsSchema, lambda: dashboard_stats.uncached()),
}


def marshmallow_dump(schema, obj):
    """Dump with marshmallow's own serialization at every level, nested schemas included."""
    original = ApiSchema._serialize
    ApiSchema._serialize = ma.Schema._serialize
    try:
        return schema.dump(obj)
    finally:
        ApiSchema._serialize = original


@pytest.mark.parametrize("name", PAGES)
def test_fast_dump_equals_marshmallow(app, demo_data, name):
    schema_class, read = PAGES[name]
    with app.app_context():
        data = read()
        db.session.remove()
    schema = schema_class()

    assert schema.dump(data) == marshmallow_dump(schema, data)


def test_fast_dump_keeps_dump_defaults_and_missing_keys():
    class Sample(ApiSchema):
        present = ma.fields.String()
        absent = ma.fields.String()
        defaulted = ma.fields.Integer(dump_default=7)

    schema = Sample()

    assert schema.dump({"present": "x"}) == marshmallow_dump(schema, {"present": "x"})


def database_uuid(text):
    """Return the DatabaseUUID that psycopg2 would read for ``text``."""
    value = object.__new__(DatabaseUUID)
    DatabaseUUID.__dict__["_text"].__set__(value, text)
    return value


class Hooked(ApiSchema):
    """A nested schema with a post-dump hook, which the nested shortcut must not skip."""

    text = ma.fields.String()

    @ma.post_dump
    def add_marker(self, data, **kwargs):
        return {**data, "hooked": True}


class Shortcuts(ApiSchema):
    text = ma.fields.String(allow_none=True)
    number = ma.fields.Integer(allow_none=True)
    number_as_text = ma.fields.Integer(as_string=True)
    flag = ma.fields.Boolean(allow_none=True)
    identifier = ma.fields.UUID(allow_none=True)
    nested = ma.fields.Nested(lambda: Shortcuts(only=("text",)), allow_none=True)
    trimmed = Text(max_length=10, allow_none=True)
    moment = UtcDateTime(allow_none=True)
    labels = ma.fields.List(Text(max_length=10), allow_none=True)
    nested_list = ma.fields.List(
        ma.fields.Nested(lambda: Shortcuts(only=("text", "number"))), allow_none=True
    )
    hooked = ma.fields.Nested(Hooked, allow_none=True)


SHORTCUT_CASES = {
    "own types": {
        "text": "x",
        "number": 3,
        "number_as_text": 4,
        "flag": True,
        "identifier": uuid.UUID(int=5),
        "nested": {"text": "y"},
        "trimmed": "z",
        "moment": dt.datetime(2026, 12, 5, 3, 4, 5, 678901, tzinfo=dt.UTC),
        "labels": ["python", "sql"],
        "nested_list": [{"text": "a", "number": 1}, {"text": "b"}],
        "hooked": {"text": "h"},
    },
    "nested list with a null": {"nested_list": [None, {"number": 2}]},
    "empty list": {"labels": []},
    "whole seconds": {"moment": dt.datetime(2026, 12, 5, 3, 4, 5, tzinfo=dt.UTC)},
    "database uuid": {"identifier": database_uuid(str(uuid.UUID(int=6)))},
    "nulls": {
        "text": None,
        "number": None,
        "flag": None,
        "identifier": None,
        "nested": None,
        "trimmed": None,
        "moment": None,
        "labels": None,
        "nested_list": None,
        "hooked": None,
    },
    "other types": {
        "text": 12,
        "number": True,
        "number_as_text": 6,
        "flag": 1,
        "identifier": str(uuid.UUID(int=7)),
        "trimmed": 8,
        "moment": dt.datetime(2026, 12, 5, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "labels": ("python", 9),
    },
    "list with other items": {"labels": ["python", 9, None]},
    "naive time": {"moment": dt.datetime(2026, 12, 5, 3, 4, 5)},
}


@pytest.mark.parametrize("case", SHORTCUT_CASES)
def test_fast_dump_shortcuts_equal_marshmallow(case):
    schema = Shortcuts()
    data = SHORTCUT_CASES[case]

    assert schema.dump(data) == marshmallow_dump(schema, data)
