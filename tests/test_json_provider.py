"""The JSON of responses: orjson's output, and the stdlib's where orjson cannot encode."""

import json

from flask import jsonify


def test_response_is_compact_utf8_json_with_newline(app):
    with app.test_request_context():
        response = jsonify({"name": "José", "count": 2})

    assert response.get_data() == '{"name":"José","count":2}\n'.encode()


def test_integer_keys_are_encoded_as_strings(app):
    with app.test_request_context():
        response = jsonify({"skills": {0: ["Too long."]}})

    assert response.get_json() == {"skills": {"0": ["Too long."]}}


def test_huge_integer_takes_the_stdlib_path(app):
    huge = 10**30

    with app.test_request_context():
        response = jsonify({"value": huge})

    assert json.loads(response.get_data()) == {"value": huge}


def test_lone_surrogate_takes_the_stdlib_path(app):
    with app.test_request_context():
        response = jsonify({"value": "a\ud800b"})

    assert response.get_data() == b'{"value":"a\\ud800b"}\n'


def test_dumps_keeps_schema_key_order(app):
    text = app.json.dumps({"id": 1, "createdAt": "x", "a": 2})

    assert text == '{"id":1,"createdAt":"x","a":2}'
