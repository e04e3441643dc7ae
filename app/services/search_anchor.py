"""Choose per table whether the other words of a query, not its typed prefix, drive the index.

GIN gathers every indexed word that starts with a prefix into one bitmap before
it intersects that bitmap with the other words. A common word as the prefix
next to a rare one ("senior engineer" while typed) therefore reads the common
word's whole posting list. At the large seed size the planner estimates
"engineer:*" at about 176,000 candidates and "senior" at about 700. The
candidates pass took 25 ms through the whole query, and the whole search went
from 37 to 12 ms when the index was asked for "senior" alone and each row found
was then checked against the whole query.

The anchored form loses when the other words are as common as the prefix:
"java dev" went from 12 to 18 ms. The choice therefore compares the planner's
row estimates, read with EXPLAIN from the statistics of each search_vector
column, for the requested types only. The choice is cached, so the estimates
cost their round trip once per query text, set of types and process.
"""

from functools import lru_cache

from sqlalchemy import text

from app.extensions import db

# The types whose table is large enough for the choice to matter. A type's
# name pass reads a separate index of names, where a prefix gathers little.
ANCHOR_TABLES = {"candidate": "candidates", "job": "jobs"}

# Anchor when the other words match at most a quarter of the prefix's rows,
# because each row found through the anchor costs a heap read and a recheck,
# and each row under the prefix only a bitmap entry. NOTE: 4 lies between
# measured cases (ratio 1.1: anchoring lost; 5.1 and 8.5: it won), not at a
# measured break-even point.
ANCHOR_RATIO = 4


def estimated_matches(tables, anchor, typed):
    """Return ``{table: (anchor rows, typed rows)}``, the planner's estimates, in one statement.

    search_estimated_matches (migration 0011) runs each EXPLAIN on the server.
    """
    columns = []
    params = {"anchor": anchor, "typed": typed}
    for index, table in enumerate(tables):
        params[f"table_{index}"] = table
        for query in ("anchor", "typed"):
            columns.append(
                f"search_estimated_matches(CAST(:table_{index} AS regclass), "
                f"CAST(:{query} AS tsquery))"
            )
    row = db.session.execute(text("SELECT " + ", ".join(columns)), params).one()
    return {table: (row[2 * index], row[2 * index + 1]) for index, table in enumerate(tables)}


# One choice per query text, table set and database; see PARSED_QUERIES_CACHED
# in search.py for what a cached choice can get wrong.
@lru_cache(maxsize=1024)
def anchored_types(database_url, anchor, typed, types):
    """Return the types, of ``types``, whose any-match pass should scan the index for ``anchor``.

    ``anchor`` is the tsquery of the words that must match besides the typed
    prefix; ``typed`` is the tsquery of the prefix alone. Only the requested
    types' tables are estimated, so a search of clients alone sends no
    statement about candidates or jobs. ``database_url`` keys the cache per
    database.
    """
    names = [name for name in types if name in ANCHOR_TABLES]
    if not names:
        return frozenset()
    estimates = estimated_matches([ANCHOR_TABLES[name] for name in names], anchor, typed)
    chosen = set()
    for name in names:
        anchor_rows, typed_rows = estimates[ANCHOR_TABLES[name]]
        if anchor_rows * ANCHOR_RATIO <= typed_rows:
            chosen.add(name)
    return frozenset(chosen)
