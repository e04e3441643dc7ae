"""Configuration read from the environment."""

import pytest

from app import create_app
from app.secret_key import DEVELOPMENT_SECRET_KEY
from config import TestConfig, database_url, env_bool


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


def production_config(secret_key):
    class Production(TestConfig):
        TESTING = False
        SECRET_KEY = secret_key

    return Production


def test_app_refuses_the_development_secret_key_in_production():
    with pytest.raises(RuntimeError, match="development default"):
        create_app(production_config(DEVELOPMENT_SECRET_KEY))


def test_app_refuses_a_short_secret_key_in_production():
    with pytest.raises(RuntimeError, match="at least 32"):
        create_app(production_config("too-short-key"))


def test_app_accepts_a_long_secret_key_in_production():
    app = create_app(production_config("k" * 48))

    assert app.config["SECRET_KEY"] == "k" * 48


def test_app_uses_the_development_key_only_in_development():
    class Development(TestConfig):
        TESTING = False
        APP_ENV = "development"
        SECRET_KEY = None

    app = create_app(Development)

    assert app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("On", True), ("false", False), ("0", False), ("no", False)],
)
def test_env_bool_reads_true_and_false(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env_bool("SOME_FLAG", not expected) is expected


def test_env_bool_rejects_other_values(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")

    with pytest.raises(RuntimeError, match="SOME_FLAG must be true or false"):
        env_bool("SOME_FLAG", True)
