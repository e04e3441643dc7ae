"""uuid values read from PostgreSQL behave as uuid.UUID and keep the text they came as."""

import copy
import pickle
import uuid

import pytest
from flask import json
from sqlalchemy import text

from app.database_uuids import DatabaseUUID
from app.extensions import db

TEXT = "0f8a7436-d9d4-4100-b75d-487cdc4ba951"


@pytest.fixture
def read(app):
    """Return a function that runs a one-row SQL statement and returns its first column."""

    def run(statement):
        with app.app_context():
            value = db.session.execute(text(statement), {"value": TEXT}).scalar_one()
            db.session.remove()
        return value

    return run


def test_uuid_column_reads_as_database_uuid(read):
    value = read("SELECT CAST(:value AS uuid)")

    assert type(value) is DatabaseUUID
    assert str(value) == TEXT


def test_uuid_array_items_read_as_database_uuid(read):
    values = read("SELECT ARRAY[CAST(:value AS uuid), NULL]")

    assert type(values[0]) is DatabaseUUID
    assert values[1] is None


def test_null_uuid_reads_as_none(read):
    assert read("SELECT CAST(NULL AS uuid) WHERE :value IS NOT NULL") is None


def test_equals_and_hashes_like_uuid(read):
    value = read("SELECT CAST(:value AS uuid)")
    plain = uuid.UUID(TEXT)

    assert value == plain
    assert hash(value) == hash(plain)
    assert {plain: "found"}[value] == "found"


def test_orders_and_converts_like_uuid(read):
    value = read("SELECT CAST(:value AS uuid)")
    plain = uuid.UUID(TEXT)

    assert value.int == plain.int
    assert value.hex == plain.hex
    assert value.bytes == plain.bytes
    assert value.version == plain.version
    assert value < uuid.UUID("ffffffff-ffff-4fff-bfff-ffffffffffff")
    assert repr(value) == repr(plain)


def test_uppercase_text_keeps_uuid_value(app):
    # PostgreSQL always sends lowercase, but the value must not depend on the case.
    value = object.__new__(DatabaseUUID)
    DatabaseUUID.__dict__["_text"].__set__(value, TEXT.upper())

    assert value == uuid.UUID(TEXT)


def test_pickle_and_copy_give_plain_uuid(read):
    value = read("SELECT CAST(:value AS uuid)")

    for restored in (pickle.loads(pickle.dumps(value)), copy.copy(value), copy.deepcopy(value)):
        assert type(restored) is uuid.UUID
        assert restored == value


def test_bound_as_parameter(read, app):
    value = read("SELECT CAST(:value AS uuid)")

    with app.app_context():
        echoed = db.session.execute(text("SELECT CAST(:id AS text)"), {"id": value}).scalar_one()
        db.session.remove()

    assert echoed == TEXT


def test_json_provider_writes_text(app, read):
    value = read("SELECT CAST(:value AS uuid)")

    with app.app_context():
        assert json.dumps({"id": value}) == f'{{"id":"{TEXT}"}}'


def test_json_provider_writes_key_as_text(app, read):
    value = read("SELECT CAST(:value AS uuid)")

    with app.app_context():
        encoded = json.dumps({value: 1})

    assert encoded == f'{{"{TEXT}":1}}'
