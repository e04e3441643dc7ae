"""marshmallow fields shared by the schemas."""

import datetime as dt
import re
import unicodedata

import marshmallow as ma

# Control characters (C0, DEL and C1) and the Unicode line and paragraph separators
# are never valid in single-line text. Multi-line text allows tab, LF and CR only.
# NUL cannot be stored by PostgreSQL at all.
SINGLE_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MULTI_LINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class UnicodeString(ma.fields.String):
    """A string that can be encoded as UTF-8.

    JSON allows escapes such as ``\\ud800`` that decode to an unpaired surrogate,
    which no UTF-8 encoder, and so neither the database nor a password hash,
    accepts.
    """

    default_error_messages = {
        "invalid_unicode": "Contains invalid Unicode: an unpaired surrogate escape.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("invalid_unicode") from None
        return text


# A whole number as query strings spell one: ASCII digits with an optional sign.
QUERY_INTEGER = re.compile(r"[+-]?[0-9]+")


class QueryInteger(ma.fields.Integer):
    """An integer query parameter, written with ASCII digits only.

    marshmallow converts with int(), which also accepts other scripts' digits
    ("\uff11" is 1), underscores ("1_0" is 10) and surrounding spaces.
    """

    def _validated(self, value):
        if isinstance(value, str) and not QUERY_INTEGER.fullmatch(value):
            raise self.make_error("invalid")
        return super()._validated(value)


class Text(UnicodeString):
    """A string trimmed of surrounding whitespace, with a maximum length in characters.

    Text is stored in Unicode normalization form NFC, so that an accent typed as one
    code point and as a letter plus a combining mark compare equal. ``multiline``
    allows tabs and line breaks; other control characters are rejected. A required
    text may not be blank.
    """

    default_error_messages = {
        "blank": "May not be blank.",
        "too_long": "Longer than the maximum of {max_length} characters.",
        "control": "Contains control characters, which are not allowed here.",
    }

    def __init__(self, *, max_length, multiline=False, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.multiline = multiline
        self.metadata.setdefault("maxLength", max_length)

    def _deserialize(self, value, attr, data, **kwargs):
        text = unicodedata.normalize(
            "NFC", super()._deserialize(value, attr, data, **kwargs).strip()
        )
        forbidden = MULTI_LINE_FORBIDDEN if self.multiline else SINGLE_LINE_FORBIDDEN
        if forbidden.search(text):
            raise self.make_error("control")
        if len(text) > self.max_length:
            raise self.make_error("too_long", max_length=self.max_length)
        if self.required and not text:
            raise self.make_error("blank")
        return text


class OptionalText(Text):
    """A text that may be null; an empty or all-blank value is stored as null."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        return text or None

    def _validate(self, value):
        # A blank value became null above; format validators apply only to real values.
        if value is not None:
            super()._validate(value)


class UtcDateTime(ma.fields.DateTime):
    """An ISO 8601 timestamp, always written in UTC with a ``Z`` suffix.

    Input without an offset is read as UTC.
    """

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.endswith(("z", "Z")):
            value = value[:-1] + "+00:00"
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC)
