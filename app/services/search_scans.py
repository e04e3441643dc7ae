"""Choose per table how a search's any-match pass finds its rows: anchored, by index or by scan.

The page statement runs as a prepared statement with a generic plan (see
app/services/prepared.py), so PostgreSQL does not plan it for each search text.
At the large seed size, planning took 1.2 to 2 ms of a search's 2 to 13 ms in
the database. A generic plan cannot look at the words, so this module chooses
the scan from the planner's row estimates of the words, per table, once per
text, set of types and process. The estimates are columns of the statement that
parses the text (search.py), so a new text costs one round trip before its
page. Each choice is its own statement text.

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

from typing import NamedTuple

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
# table's rows. NOTE: each value lies between cases of the large seed, not at a
# measured break-even point. On candidates, PostgreSQL's own plans read the
# index at an estimate of 0.5% of the rows ("todd"). A job's vector contains its
# description and is about three times a candidate's, so each job row that a
# scan reads costs more. At estimates of 6.9% ("tod") and 8.8% ("senior
# engineer") of the jobs, the index found the first 200 matches faster, and at
# 28% ("engineer") the scan did (bench.search's table of first matches).
SCAN_FRACTIONS = {"candidate": 0.03, "job": 0.15}

# Per table, what the parse statement estimates, in this order.
ESTIMATES = ("total", "query", "anchor", "typed")


class ScanChoices(NamedTuple):
    """The types whose any-match pass is anchored, and those whose pass scans the table."""

    anchored: frozenset
    scanned: frozenset


NO_CHOICES = ScanChoices(frozenset(), frozenset())


def estimate_columns(types, query, anchor, typed, searchable):
    """Return the SQL columns that estimate the matches of the ``types``' tables.

    ``query``, ``anchor`` and ``typed`` are SQL expressions of the whole tsquery,
    the words besides the typed prefix, and the prefix alone. ``searchable`` is
    an SQL condition, false when the text has nothing to search. Each
    table gives the columns of ESTIMATES: its row estimate, then the planner's
    estimates from search_estimated_matches (migration 0011), which runs each
    EXPLAIN on the server. The anchor's two are NULL when it is empty, and all
    three when nothing is searchable, so such texts run no EXPLAIN.
    """
    columns = []
    for name in types:
        if name not in CHOICE_TABLES:
            continue
        table = f"CAST(text '{CHOICE_TABLES[name]}' AS regclass)"
        has_anchor = f"{searchable} AND numnode({anchor}) > 0"
        columns += [
            f"(SELECT reltuples FROM pg_class WHERE oid = {table})",
            f"CASE WHEN {searchable} THEN search_estimated_matches({table}, {query}) END",
            f"CASE WHEN {has_anchor} THEN search_estimated_matches({table}, {anchor}) END",
            f"CASE WHEN {has_anchor} THEN search_estimated_matches({table}, {typed}) END",
        ]
    return columns


def choose_scans(types, values):
    """Return the ScanChoices of ``types`` from the values of their estimate_columns."""
    anchored, scanned = set(), set()
    names = [name for name in types if name in CHOICE_TABLES]
    for position, name in enumerate(names):
        start = position * len(ESTIMATES)
        found = dict(zip(ESTIMATES, values[start : start + len(ESTIMATES)], strict=True))
        if found["anchor"] is not None and found["anchor"] * ANCHOR_RATIO <= found["typed"]:
            anchored.add(name)
        elif found["query"] >= SCAN_FRACTIONS[name] * max(found["total"], 1):
            scanned.add(name)
    return ScanChoices(frozenset(anchored), frozenset(scanned))
