"""Rewrite the search query functions in PL/pgSQL, with the same results.

Revision ID: 0012_plpgsql_search_queries
Revises: 0011_search_estimates
Create Date: 2026-12-05

Search parses each new text once per worker (app/services/search.py), in one
statement that calls search_word_query six times for two words. PostgreSQL 15
plans the body of a SQL function with a SET clause again on every call, so that
statement took about 2.1 ms to plan, at the large seed size and on a warm
connection, for 0.01 ms of execution. PL/pgSQL keeps a function's compiled body
and its statements' plans for the session: the same statement plans in about
0.2 ms. Over 34,694 texts (names, emails, titles, skills and their prefixes from
the large seed, plus the hostile inputs of the tests), both forms returned the
same tsquery text for every word, prefix flag and phrase.
"""

from alembic import op

revision = "0012_plpgsql_search_queries"
down_revision = "0011_search_estimates"
branch_labels = None
depends_on = None

# The same SET clause as in 0004, for the same reason. In the tsquery's text
# output, a lexeme is quoted with '' for a quote; see 0010 for the two patterns.
# RETURN query would read as RETURN QUERY, so the parameter is qualified.
#
# PL/pgSQL keeps each statement's plan for the session, and a plan holds a
# configuration named by a constant as its OID. Rebuilding the search columns
# (0004's downgrade and upgrade) creates the configurations again under new
# OIDs, and a pooled connection then failed with "cache lookup failed for text
# search configuration". A name cast from text is looked up on each call instead,
# because regconfig's input function depends on search_path and so is never
# folded into a constant.
PLPGSQL = r"""
CREATE OR REPLACE FUNCTION search_label(query tsquery, is_prefix boolean, weights text)
RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
BEGIN
    -- Appends the weight labels and, for a word being typed, the prefix flag to
    -- every lexeme, then takes the prefix flag off lexemes of 1 or 2 characters.
    -- The text edited is the tsquery's own output, so user input cannot add
    -- operators. The colons are concatenated to keep SQLAlchemy from reading a
    -- bind parameter.
    IF NOT is_prefix AND weights = '' THEN
        RETURN search_label.query;
    ELSIF NOT is_prefix THEN
        RETURN regexp_replace(
            search_label.query::text, '(''(?:[^'']|'''')*'')', '\1' || ':' || weights, 'g'
        )::tsquery;
    END IF;
    RETURN regexp_replace(
        regexp_replace(
            search_label.query::text, '(''(?:[^'']|'''')*'')', '\1' || ':*' || weights, 'g'
        ),
        '(?<!'')(''(?:[^'']|''''){1,2}'')' || ':\*',
        '\1' || CASE WHEN weights = '' THEN '' ELSE ':' END,
        'g'
    )::tsquery;
END
$$;

CREATE OR REPLACE FUNCTION search_word_query(word text, is_prefix boolean) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
DECLARE
    spaced text := translate(word, '@.', '  ');
    simple tsquery := plainto_tsquery(CAST(text 'search_simple' AS regconfig), spaced);
    english tsquery := plainto_tsquery(CAST(text 'search_english' AS regconfig), spaced);
BEGIN
    -- A word matches names unstemmed and prose stemmed, the stemmed lexemes only
    -- at weights B and D (see 0008). A word that English drops as a stop word is
    -- dropped from both.
    IF numnode(english) = 0 THEN
        RETURN '';
    ELSIF english::text = simple::text THEN
        RETURN search_label(simple, is_prefix, '');
    END IF;
    RETURN search_label(simple, is_prefix, '') || search_label(english, is_prefix, 'BD');
END
$$;

CREATE OR REPLACE FUNCTION search_phrase_query(phrase text) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
DECLARE
    spaced text := translate(phrase, '@.', '  ');
    simple tsquery := phraseto_tsquery(CAST(text 'search_simple' AS regconfig), spaced);
    english tsquery := phraseto_tsquery(CAST(text 'search_english' AS regconfig), spaced);
BEGIN
    IF numnode(english) = 0 THEN
        RETURN '';
    ELSIF english::text = simple::text THEN
        RETURN simple;
    END IF;
    RETURN simple || search_label(english, false, 'BD');
END
$$;
"""

# The SQL bodies of 0010 (search_label) and 0008 (the other two), without their
# comments.
SQL = r"""
CREATE OR REPLACE FUNCTION search_label(query tsquery, is_prefix boolean, weights text)
RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT CASE
        WHEN NOT is_prefix AND weights = '' THEN query
        WHEN NOT is_prefix THEN regexp_replace(
            query::text, '(''(?:[^'']|'''')*'')', '\1' || ':' || weights, 'g')::tsquery
        ELSE regexp_replace(
            regexp_replace(query::text, '(''(?:[^'']|'''')*'')', '\1' || ':*' || weights, 'g'),
            '(?<!'')(''(?:[^'']|''''){1,2}'')' || ':\*',
            '\1' || CASE WHEN weights = '' THEN '' ELSE ':' END,
            'g')::tsquery
    END
$$;

CREATE OR REPLACE FUNCTION search_word_query(word text, is_prefix boolean) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT CASE
        WHEN numnode(english) = 0 THEN ''::tsquery
        WHEN english::text = simple::text THEN search_label(simple, is_prefix, '')
        ELSE search_label(simple, is_prefix, '') || search_label(english, is_prefix, 'BD')
    END
    FROM (SELECT plainto_tsquery('search_simple', translate(word, '@.', '  ')) AS simple,
                 plainto_tsquery('search_english', translate(word, '@.', '  ')) AS english) AS q
$$;

CREATE OR REPLACE FUNCTION search_phrase_query(phrase text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT CASE
        WHEN numnode(english) = 0 THEN ''::tsquery
        WHEN english::text = simple::text THEN simple
        ELSE simple || search_label(english, false, 'BD')
    END
    FROM (SELECT phraseto_tsquery('search_simple', translate(phrase, '@.', '  ')) AS simple,
                 phraseto_tsquery('search_english', translate(phrase, '@.', '  ')) AS english) AS q
$$;
"""


def upgrade():
    op.execute(PLPGSQL)


def downgrade():
    op.execute(SQL)
