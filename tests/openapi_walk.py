"""Read the served OpenAPI document: operations, body fields and query parameters.

The document is built at import from the app factory (it needs no database), so
that tests can be parametrized by what it lists.
"""

from app import create_app
from config import TestConfig

HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def load_document():
    return create_app(TestConfig).test_client().get("/openapi.json").get_json()


DOCUMENT = load_document()


def resolve(schema):
    """Return ``schema`` with a top-level $ref followed."""
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = DOCUMENT["components"]["schemas"][name]
    return schema


def operations():
    """Yield ``(METHOD, path, operation)`` for every documented operation."""
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method.upper(), path, operation


def body_fields():
    """Yield ``(METHOD, path, field name, field schema)`` for every writable body field."""
    for method, path, operation in operations():
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        schema = resolve(content["application/json"]["schema"])
        for name, field in schema.get("properties", {}).items():
            if not field.get("readOnly"):
                yield method, path, name, field


def query_parameters():
    """Yield ``(METHOD, path, parameter name, parameter schema)`` for every query parameter."""
    for method, path, operation in operations():
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                yield method, path, parameter["name"], parameter["schema"]


def is_bounded_string(schema):
    """Return whether a string schema limits its length: maxLength, an enum or a fixed format."""
    return (
        "maxLength" in schema or "enum" in schema or schema.get("format") in ("uuid", "date-time")
    )


def fill_path(path, value="00000000-0000-0000-0000-000000000000"):
    """Return ``path`` with every {parameter} replaced by ``value``."""
    while "{" in path:
        start = path.index("{")
        path = path[:start] + value + path[path.index("}") + 1 :]
    return path
