"""Choose per table how a search's any-match pass finds its rows: anchored, by index or by scan.

The page statement runs as a prepared statement with a generic plan (see
app/services/prepared.py), so PostgreSQL does not plan it for each search text.
At the large seed size, planning took 1.2 to 2 ms of a search's 2 to 13 ms in
the database. A generic plan cannot look at the words, so this module chooses
the scan from the planner's row estimates of the words, per table, once per
text, set of types and process. Each choice is its own statement text.

- Anchored: the words besides a typed prefix are much rarer than the prefix.
  GIN gathers every indexed word that starts with a prefix into one bitmap before
  it intersects that bitmap with the other words. A common word as the prefix
  next to a rare one ("senior engineer" while typed) therefore reads the common
  word's whole posting list. At the large seed size the planner estimates
  "engineer:*" at about 176,000 candidates and "senior" at about 700. The whole
  search went from 37 to 12 ms when the index was asked for "senior" alone and
  each row found was then checked against the whole query. It loses when the other words are as
  common as the prefix: "java dev" went from 12 to 18 ms.
- Scan: the query matches a large share of the table. A sequential scan stops at
  the ranking cap after a few thousand rows, where the index would first gather
  every match: with index scans only, "engineer" took 67 ms instead of 9 and
  "kubernetes" 26 ms instead of 5.
- Index: every other query, through the GIN index.
"""

from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import text

from app.extensions import db

# The types whose table is large enough for the choice to matter. A type's
# name pass reads a separate index of names, where a prefix gathers little.
CHOICE_TABLES = {"candidate": "candidates", "job": "jobs"}

# Anchor when the other words match at most a quarter of the prefix's rows,
# because each row found through the anchor costs a heap read and a recheck,
# and each row under the prefix only a bitmap entry. NOTE: 4 lies between
# measured cases (ratio 1.1: anchoring lost; 5.1 and 8.5: it won), not at a
# measured break-even point.
ANCHOR_RATIO = 4

# Scan when the planner expects the query to match at least this share of the
# table's rows. NOTE: the value lies between two of the large seed's cases, not
# at a measured break-even point. PostgreSQL's own plans read the index at an
# estimate of 0.5% of the rows ("todd" on candidates), and scanned at 7% ("tod"
# on jobs) and above.
SCAN_FRACTION = 0.03


class ScanChoices(NamedTuple):
    """The types whose any-match pass is anchored, and those whose pass scans the table."""

    anchored: frozenset
    scanned: frozenset


def estimated_matches(tables, queries):
    """Return ``{table: {name: rows}}`` for each tsquery of ``queries``, plus ``"total"``.

    The estimates are the planner's, from search_estimated_matches (migration
    0011), which runs each EXPLAIN on the server; ``"total"`` is the table's
    row estimate. One statement for all of them.
    """
    columns = []
    params = dict(queries)
    for index, table in enumerate(tables):
        params[f"table_{index}"] = table
        columns.append(
            f"(SELECT reltuples FROM pg_class WHERE oid = CAST(:table_{index} AS regclass))"
        )
        for name in queries:
            columns.append(
                f"search_estimated_matches(CAST(:table_{index} AS regclass), "
                f"CAST(:{name} AS tsquery))"
            )
    row = db.session.execute(text("SELECT " + ", ".join(columns)), params).one()
    width = len(queries) + 1
    estimates = {}
    for index, table in enumerate(tables):
        values = row[index * width : (index + 1) * width]
        estimates[table] = {"total": values[0], **dict(zip(queries, values[1:], strict=True))}
    return estimates


# One choice per query text, table set and database; see PARSED_QUERIES_CACHED
# in search.py for what a cached choice can get wrong.
@lru_cache(maxsize=1024)
def scan_choices(database_url, query, anchor, typed, types):
    """Return the ScanChoices of the requested ``types`` for a parsed query.

    ``query`` is the whole tsquery, ``anchor`` the tsquery of the words that must
    match besides the typed prefix (or None), and ``typed`` the tsquery of the
    prefix alone. Only the requested types' tables are estimated, so a search of
    clients alone sends no statement. ``database_url`` keys the cache per database.
    """
    names = [name for name in types if name in CHOICE_TABLES]
    if not names:
        return ScanChoices(frozenset(), frozenset())
    queries = {"query": query}
    if anchor is not None:
        queries.update(anchor=anchor, typed=typed)
    estimates = estimated_matches([CHOICE_TABLES[name] for name in names], queries)
    anchored, scanned = set(), set()
    for name in names:
        found = estimates[CHOICE_TABLES[name]]
        if anchor is not None and found["anchor"] * ANCHOR_RATIO <= found["typed"]:
            anchored.add(name)
        elif found["query"] >= SCAN_FRACTION * max(found["total"], 1):
            scanned.add(name)
    return ScanChoices(frozenset(anchored), frozenset(scanned))
