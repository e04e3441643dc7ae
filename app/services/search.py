"""Search over candidates, jobs and clients: one ranked list for the search box.

Every match comes from a GIN index on a ``search_vector`` column that the database
maintains (see migration 0004), so a new or changed row is found by the next
request. A result's score is its tier plus a fraction below 1 (see CANDIDATE_RANK):

- 3: the whole query equals a candidate's or client's name or a candidate's email
  (ignoring case, spacing and, where the server has unaccent, accents);
- 2: every word matches within names and emails;
- 1: every word matches within names, emails and titles;
- 0: any other match.

Ties are broken by title, then type, then id, so that the order is the same on
every request.

Ranking reads every ranked row's vector from the table, so its cost grows with the
number of matches: a word like "engineer" matches about 80,000 rows of the large
seed and took over a second to rank in full. Each type therefore ranks at most
SEARCH_MAX_RANKED_MATCHES matches, the first ones the index scan returns, and
``total_capped`` tells the caller that ``total`` stopped counting there.
"""

import logging
from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple

from flask import current_app
from sqlalchemy import text

from app.extensions import db
from app.services import prepared
from app.services.exceptions import InvalidSearch
from app.services.search_query import (
    MAX_QUERY_LENGTH,
    anchor_terms,
    clean_query,
    parse_terms,
    tsquery_expression,
)
from app.services.search_scans import NO_CHOICES, ScanChoices, choose_scans, estimate_columns

logger = logging.getLogger(__name__)

SEARCH_TYPES = ("candidate", "job", "client")

# Each type's rows with their score. The first CASE gives the tier. Within a
# tier, rows that match the word being typed as a whole word come first (so
# "todd" puts Todd before Toddington), then ts_rank orders them; normalization
# 32 maps it to rank / (rank + 1), below 1. An exact name or email always
# matches within names and emails too, so the costlier folding comparison runs
# only for rows that pass that check.
CANDIDATE_RANK = """
SELECT 'candidate' AS type, 0 AS type_order, id, first_name || ' ' || last_name AS sort_title,
       CASE WHEN ts_filter(search_vector, '{a}') @@ CAST(:query AS tsquery) THEN
                CASE WHEN search_fold(first_name || ' ' || last_name) = :exact
                          OR search_fold(email) = :exact THEN 3
                     ELSE 2 END
            WHEN ts_filter(search_vector, '{a,b}') @@ CAST(:query AS tsquery) THEN 1
            ELSE 0 END
       + CASE WHEN search_vector @@ CAST(:whole_words AS tsquery) THEN 0.5 ELSE 0 END
       + 0.5 * ts_rank(search_vector, CAST(:query AS tsquery), 32) AS rank
FROM candidates
"""

# Jobs have no name, so their best tier is a title match.
JOB_RANK = """
SELECT 'job' AS type, 1 AS type_order, id, title AS sort_title,
       CASE WHEN ts_filter(search_vector, '{b}') @@ CAST(:query AS tsquery) THEN 1
            ELSE 0 END
       + CASE WHEN search_vector @@ CAST(:whole_words AS tsquery) THEN 0.5 ELSE 0 END
       + 0.5 * ts_rank(search_vector, CAST(:query AS tsquery), 32) AS rank
FROM jobs
"""

# Clients have no title, so they skip tier 1.
CLIENT_RANK = """
SELECT 'client' AS type, 2 AS type_order, id, name AS sort_title,
       CASE WHEN ts_filter(search_vector, '{a}') @@ CAST(:query AS tsquery) THEN
                CASE WHEN search_fold(name) = :exact THEN 3 ELSE 2 END
            ELSE 0 END
       + CASE WHEN search_vector @@ CAST(:whole_words AS tsquery) THEN 0.5 ELSE 0 END
       + 0.5 * ts_rank(search_vector, CAST(:query AS tsquery), 32) AS rank
FROM clients
"""

RANK = {"candidate": CANDIDATE_RANK, "job": JOB_RANK, "client": CLIENT_RANK}

# The conditions that select each type's ranked rows: any match, and for types
# with names a match within names and emails, which the expression index on
# ts_filter(search_vector, '{a}') serves (migration 0007). The tsquery is bound
# as text and cast in the statement, so the planner estimates from its lexemes.
# Excluded words must be absent from the whole record, not only from its names,
# so the name pass checks the whole vector too. IS TRUE makes that check a
# filter on the rows found: as an index condition, the planner could AND it
# with a bitmap of the whole index, reading a common word's long posting list.
NAME_CONDITION = (
    "ts_filter(search_vector, '{a}') @@ CAST(:query AS tsquery) "
    "AND (search_vector @@ CAST(:query AS tsquery)) IS TRUE"
)
PASSES = {
    "candidate": {
        "name": NAME_CONDITION,
        "any": "search_vector @@ CAST(:query AS tsquery)",
    },
    "job": {"any": "search_vector @@ CAST(:query AS tsquery)"},
    "client": {
        "name": NAME_CONDITION,
        "any": "search_vector @@ CAST(:query AS tsquery)",
    },
}

# The any-match pass of a type with a name pass is skipped when the name pass
# reached the cap and the page ends within it: name matches rank 2 or more and
# other matches below 2, so the page contains name matches only. For "todd" at the
# large seed size, the statement took 3.3 ms instead of 4.8. The condition reads
# no column, so PostgreSQL checks it once, before the scan.
NAME_PASS_NOT_FULL = (
    "((SELECT count(*) FROM {name}_name_matches) < :max_ranked OR :offset + :limit > :max_ranked)"
)

# The any-match condition when the words besides a typed prefix are much rarer
# than the prefix (see search_scans): the index finds the rows of those words,
# and each is checked against the whole query.
ANCHORED_CONDITION = (
    "search_vector @@ CAST(:anchor AS tsquery) "
    "AND (search_vector @@ CAST(:query AS tsquery)) IS TRUE"
)

# The any-match condition when the query matches a large share of the table (see
# search_scans): IS TRUE keeps the planner from using the index, so the
# sequential scan stops once the ranking cap is reached.
SCANNED_CONDITION = "(search_vector @@ CAST(:query AS tsquery)) IS TRUE"

# LIMIT lets the planner stop a sequential scan after the first matches of a
# common word instead of reading its whole posting list from the GIN index.
PASS = """
{name} AS (
    {rank}
    WHERE {condition}
    LIMIT :max_ranked
)"""

# The page is ranked from the matches, then only its rows are joined to their
# tables for display and highlighted, because ts_headline is the costly step.
# Each type joins its own table in its own branch. One join over every type's
# table cost about 0.4 ms more per request at the large seed size, half of it
# in the planner. The count comes from a one-row subquery, so an offset past
# the end still returns the total.
PAGE = """
WITH {passes},
matches AS ({union}),
page AS (
    SELECT * FROM matches
    ORDER BY rank DESC, sort_title, type_order, id
    LIMIT :limit OFFSET :offset
),
shown AS ({shown})
SELECT totals.total, totals.capped, totals.configuration, shown.type, shown.id, shown.rank,
       shown.title, shown.subtitle,
       -- The stored text is HTML-escaped before ts_headline adds its <mark> tags,
       -- so the highlight is safe to insert as HTML.
       ts_headline(CAST(text 'search_english' AS regconfig),
                   replace(replace(replace(
                       concat_ws(' · ', VARIADIC ARRAY[shown.title, shown.subtitle]
                                                 || shown.details),
                       '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                   CAST(:query AS tsquery), :headline_options) AS highlight
FROM (
    SELECT (SELECT count(*) FROM matches) AS total,
           coalesce((SELECT bool_or(matched >= :max_ranked)
                     FROM ({pass_counts}) AS counts (matched)), false) AS capped,
           {configuration} AS configuration
) AS totals
LEFT JOIN shown ON true
ORDER BY shown.rank DESC, shown.sort_title, shown.type_order, shown.id
"""

# Per type, the title and subtitle that a result list shows, and the other
# fields that the highlight may quote.
SHOWN = {
    "candidate": """
    SELECT page.*, c.first_name || ' ' || c.last_name AS title,
           concat_ws(' at ', nullif(c.current_title, ''), nullif(c.current_company, ''))
               AS subtitle,
           ARRAY[c.email, c.location, array_to_string(c.skills, ', ')] AS details
    FROM page JOIN candidates AS c ON c.id = page.id
    WHERE page.type = 'candidate'""",
    "job": """
    SELECT page.*, j.title, job_client.name AS subtitle,
           ARRAY[j.location, j.description] AS details
    FROM page
    JOIN jobs AS j ON j.id = page.id
    JOIN clients AS job_client ON job_client.id = j.client_id
    WHERE page.type = 'job'""",
    "client": """
    SELECT page.*, cl.name AS title, cl.industry AS subtitle, ARRAY[]::text[] AS details
    FROM page JOIN clients AS cl ON cl.id = page.id
    WHERE page.type = 'client'""",
}

# Up to three fragments of about a dozen words, so a job's long description
# yields a short snippet around the matches.
HEADLINE_OPTIONS = (
    "StartSel=<mark>, StopSel=</mark>, MaxFragments=3, MaxWords=15, MinWords=5, "
    'FragmentDelimiter=" … "'
)


# "candidate,job,client" is 20 characters.
MAX_TYPES_LENGTH = 50


def parse_types(raw):
    """Return the requested types as a tuple in SEARCH_TYPES order, from a comma-separated list.

    All three when ``raw`` is absent.
    """
    if raw is None:
        return SEARCH_TYPES
    if len(raw) > MAX_TYPES_LENGTH:
        raise InvalidSearch("type", f"type is longer than {MAX_TYPES_LENGTH} characters.")
    requested = set()
    for name in raw.split(","):
        name = name.strip()
        if name not in SEARCH_TYPES:
            raise InvalidSearch(
                "type",
                f"Unknown type {name!r}; use candidate, job or client, comma-separated.",
            )
        requested.add(name)
    # In one order, so that "job,candidate" reuses the cached scan choices and
    # page statement of "candidate,job". The results do not depend on it.
    return tuple(name for name in SEARCH_TYPES if name in requested)


def validate_query(query):
    """Return the query without NUL characters, or raise InvalidSearch."""
    if query is None or not query.strip():
        raise InvalidSearch("q", "Missing search text: pass it as q.")
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidSearch(
            "q", f"The search text is longer than the maximum of {MAX_QUERY_LENGTH} characters."
        )
    return clean_query(query)


class ParsedQuery(NamedTuple):
    """A search text as tsqueries (as text) and the choices that follow from it."""

    query: str
    # The query without the prefix on the last word.
    whole_words: str
    # The whole text folded for the exact-match tier.
    exact: str
    # The words that must match besides a typed prefix, or None.
    anchor: str | None
    # The last word alone, as typed.
    typed: str
    # The OID of the search_simple configuration that the parse used.
    configuration: int
    # The scan choices of the requested types' any-match passes.
    choices: ScanChoices


# The OID of search_simple, which identifies the text search configurations
# that a parse used. Migrations that rebuild the search columns, such as the downgrade
# to 0002 and upgrade that add unaccent, create the configurations again under
# new OIDs. The name is cast from text, which PostgreSQL looks up on each run:
# a configuration named by a constant would stay in the prepared page
# statement as its old OID.
CONFIGURATION = "CAST(CAST(text 'search_simple' AS regconfig) AS oid)"

# Parsed queries kept per process. A parse depends only on the text, the types
# and the database: its text search configurations and functions, which change
# only with a migration, and the planner's statistics for the scan choices.
# Without the cache, the parse cost a round trip of 1 to 2 ms on each request.
# The page statement returns the configuration's OID, and search() clears the
# cache when it differs from the parse's. NOTE: a migration that only replaces
# the query functions (0008 to 0010) keeps the OID, so cached parses keep the old
# form until the process restarts. A scan choice made on old statistics
# stays too; either can change a search's speed, and 0009 the prefix matching
# of short lexemes.
PARSED_QUERIES_CACHED = 1024


@lru_cache(maxsize=PARSED_QUERIES_CACHED)
def parse_in_database(database_url, query, types=SEARCH_TYPES):
    """Return the ParsedQuery of ``query`` in ``types``, or None when nothing is searchable.

    Nothing is searchable when the terms have no lexemes (punctuation, emoji,
    stop words) or only exclude words, because a query of only exclusions would
    have to read every row. The same statement estimates the matches that the
    scan choices of ``types`` need (search_scans). ``database_url`` keys the
    cache per database.
    """
    terms = parse_terms(query)
    expression, params = tsquery_expression(terms)
    whole_words, _ = tsquery_expression([replace(term, prefix=False) for term in terms])
    anchor, anchor_params = tsquery_expression(anchor_terms(terms), name="anchor")
    typed, typed_params = tsquery_expression(terms[-1:], name="typed")
    estimates = estimate_columns(
        types, "q", "anchor", "typed", searchable="numnode(q) > 0 AND querytree(q) <> 'T'"
    )
    # OFFSET 0 keeps the planner from merging the subquery into the SELECT.
    # Merged, each reference to q, anchor or typed was a copy of its expression
    # that the planner evaluated again, and the parse took 2.7 ms instead of 1.5.
    statement = text(
        "SELECT "
        + ", ".join(
            [
                "q::text, numnode(q), querytree(q)",
                f"({whole_words})::text, search_fold(:text)",
                "anchor::text, numnode(anchor), typed::text",
                CONFIGURATION,
                *estimates,
            ]
        )
        + f" FROM (SELECT {expression} AS q, {anchor} AS anchor, {typed} AS typed"
        + " OFFSET 0) AS built"
    )
    row = db.session.execute(
        statement, {**params, **anchor_params, **typed_params, "text": query}
    ).one()
    (
        tsquery,
        nodes,
        tree,
        whole_tsquery,
        folded,
        anchor_tsquery,
        anchor_nodes,
        typed_tsquery,
        configuration,
    ) = row[:9]
    if nodes == 0 or tree == "T":
        return None
    anchor_tsquery = anchor_tsquery if anchor_nodes else None
    return ParsedQuery(
        query=tsquery,
        whole_words=whole_tsquery,
        exact=folded,
        anchor=anchor_tsquery,
        typed=typed_tsquery,
        configuration=configuration,
        choices=choose_scans(types, row[9:]),
    )


def pass_condition(name, kind, choices):
    if kind == "any" and name in choices.anchored:
        condition = ANCHORED_CONDITION
    elif kind == "any" and name in choices.scanned:
        condition = SCANNED_CONDITION
    else:
        condition = PASSES[name][kind]
    if kind == "any" and "name" in PASSES[name]:
        condition = f"({condition}) AND {NAME_PASS_NOT_FULL.format(name=name)}"
    return condition


# The page statement's parameters that are not text. As text, a tsquery
# parameter was parsed again on every row that the generic plan cast it for,
# which doubled the time of a sequential scan.
PAGE_PARAMETER_TYPES = {
    "query": "tsquery",
    "whole_words": "tsquery",
    "anchor": "tsquery",
    "limit": "integer",
    "offset": "integer",
    "max_ranked": "integer",
}


@lru_cache(maxsize=128)
def page_statement(types, choices=NO_CHOICES):
    """Return the page statement for a tuple of types, built once per process.

    ``choices`` (a ScanChoices) names the types whose any-match pass uses
    ANCHORED_CONDITION or SCANNED_CONDITION.
    """
    pass_names = [f"{name}_{kind}_matches" for name in types for kind in PASSES[name]]
    passes = [
        PASS.format(
            name=f"{name}_{kind}_matches",
            rank=RANK[name].strip(),
            condition=pass_condition(name, kind, choices),
        )
        for name in types
        for kind in PASSES[name]
    ]
    sql = PAGE.format(
        passes=",".join(passes),
        union=" UNION ".join(f"SELECT * FROM {name}" for name in pass_names),
        pass_counts=" UNION ALL ".join(f"SELECT count(*) FROM {name}" for name in pass_names),
        shown=" UNION ALL ".join(SHOWN[name] for name in types),
        configuration=CONFIGURATION,
    )
    return prepared.PreparedStatement(sql, PAGE_PARAMETER_TYPES)


def search(query, *, types=None, limit, offset):
    """Return ``{data, total, total_capped, limit, offset}``: ranked matches of ``query``."""
    query = validate_query(query)
    types = parse_types(types)

    parsed = parse_in_database(db.engine.url, query, types)
    if parsed is None:
        return _empty_page(limit, offset)

    rows = _run_page(parsed, types, limit, offset)
    if rows[0]["configuration"] != parsed.configuration:
        logger.info("Text search configuration changed; clearing the cached search parses")
        parse_in_database.cache_clear()
        parsed = parse_in_database(db.engine.url, query, types)
        if parsed is None:
            return {"data": [], "total": 0, "total_capped": False, "limit": limit, "offset": offset}
        rows = _run_page(parsed, types, limit, offset)

    data = [
        {key: row[key] for key in ("type", "id", "title", "subtitle", "rank", "highlight")}
        for row in rows
        if row["id"] is not None
    ]
    return {
        "data": data,
        "total": rows[0]["total"],
        "total_capped": rows[0]["capped"],
        "limit": limit,
        "offset": offset,
    }


def _empty_page(limit, offset):
    return {"data": [], "total": 0, "total_capped": False, "limit": limit, "offset": offset}


def _run_page(parsed, types, limit, offset):
    """Run the page statement for ``parsed``; return its rows as mappings."""
    params = {
        "query": parsed.query,
        "whole_words": parsed.whole_words,
        "exact": parsed.exact,
        "anchor": parsed.anchor,
        "limit": limit,
        "offset": offset,
        "headline_options": HEADLINE_OPTIONS,
        "max_ranked": current_app.config["SEARCH_MAX_RANKED_MATCHES"],
    }
    return prepared.execute(page_statement(types, parsed.choices), params)
