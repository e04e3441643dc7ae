"""The startup check of SECRET_KEY."""

# Used only when APP_ENV=development and SECRET_KEY is unset. Anywhere else the app
# rejects it at startup, because it is public in this file.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-deploy"
MIN_SECRET_KEY_LENGTH = 32
GENERATE_HINT = (
    "Set it to a long random value, for example the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
)


def configure_secret_key(app):
    """Fill in the development key in development; raise RuntimeError on a weak key elsewhere.

    Tests (TESTING=True) may use any non-empty key.
    """
    key = app.config.get("SECRET_KEY")
    development = app.config.get("APP_ENV") == "development"
    if not key and development:
        app.config["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
        return
    if not key:
        raise RuntimeError(f"SECRET_KEY is not set. {GENERATE_HINT}")
    if development or app.testing:
        return
    if key == DEVELOPMENT_SECRET_KEY:
        raise RuntimeError(
            f"SECRET_KEY is the development default, which is public. {GENERATE_HINT}"
        )
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise RuntimeError(
            f"SECRET_KEY is {len(key)} characters long; use at least "
            f"{MIN_SECRET_KEY_LENGTH}. {GENERATE_HINT}"
        )
