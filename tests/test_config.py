"""Configuration read from the environment."""

import pytest

from app import create_app
from config import TestConfig, database_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u:p@host:5432/db", "postgresql+psycopg2://u:p@host:5432/db"),
        ("postgresql://u@host/db", "postgresql+psycopg2://u@host/db"),
        ("postgresql+psycopg2://u@host/db", "postgresql+psycopg2://u@host/db"),
    ],
)
def test_database_url_accepts_heroku_form(raw, expected):
    assert database_url(raw) == expected


def test_app_refuses_to_start_without_secret_key():
    class NoSecret(TestConfig):
        SECRET_KEY = None

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(NoSecret)
