"""Bearer tokens masked in text that quotes a request, such as gunicorn's parse errors.

gunicorn quotes a header it cannot parse in its log line and in its error
response, and a header line without a colon, such as
``Authorization Bearer ats_...``, still carries a whole token.
"""

import logging
import re

# app.services.tokens issues tokens as this prefix and URL-safe base64. That module
# is not imported here, because gunicorn's master process loads this one with
# its logging configuration.
TOKEN_PREFIX = "ats_"
TOKEN = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]+")
MASK = TOKEN_PREFIX + "[redacted]"


def redact_tokens(text):
    """Return ``text`` with every bearer token replaced by MASK."""
    return TOKEN.sub(MASK, text)


class RedactTokens(logging.Filter):
    """A logging filter that masks bearer tokens in each record's message."""

    def filter(self, record):
        message = record.getMessage()
        if TOKEN_PREFIX in message:
            record.msg = redact_tokens(message)
            record.args = None
        return True
