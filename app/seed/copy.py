"""Streaming rows into PostgreSQL with COPY, in its text format.

Rows are produced lazily while the server ingests them, so Python generates the
next rows on one core while PostgreSQL writes on the other.
"""

import datetime as dt

NULL = r"\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def text_value(value):
    """Format a string or None for a COPY text-format field."""
    if value is None:
        return NULL
    return value.translate(_ESCAPES)


def array_value(items):
    """Format a list of strings as a PostgreSQL array literal inside a COPY field."""
    quoted = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items)
    return text_value("{" + ",".join(quoted) + "}")


def timestamp_value(epoch_seconds):
    """Format a UTC epoch time as a timestamptz literal."""
    return dt.datetime.fromtimestamp(epoch_seconds, dt.UTC).isoformat()


class RowStream:
    """A read-only file object over an iterator of COPY lines, for ``copy_expert``.

    ``on_rows`` is called with the running row count every ``report_every`` rows.
    """

    def __init__(self, lines, *, on_rows=None, report_every=100_000):
        self._lines = iter(lines)
        self._buffer = ""
        self._done = False
        self.rows = 0
        self._on_rows = on_rows
        self._report_every = report_every

    def read(self, size=-1):
        chunks = [self._buffer]
        length = len(self._buffer)
        while not self._done and (size < 0 or length < size):
            try:
                line = next(self._lines)
            except StopIteration:
                self._done = True
                break
            chunks.append(line)
            length += len(line)
            self.rows += 1
            if self._on_rows and self.rows % self._report_every == 0:
                self._on_rows(self.rows)
        data = "".join(chunks)
        if size < 0 or len(data) <= size:
            self._buffer = ""
            return data
        self._buffer = data[size:]
        return data[:size]


def copy_rows(cursor, table, columns, lines, *, on_rows=None):
    """COPY tab-separated, newline-terminated ``lines`` into ``table``; return the row count."""
    stream = RowStream(lines, on_rows=on_rows)
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    cursor.copy_expert(statement, stream, size=1 << 20)
    return stream.rows
