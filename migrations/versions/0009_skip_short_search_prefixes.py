"""Never match a query lexeme of under 3 characters as a prefix.

Revision ID: 0009_short_prefixes
Revises: 0008_search_lexemes
Create Date: 2026-12-05

A short prefix makes GIN gather a large part of the index, so a typed last word
of under 3 letters or digits should match only as a whole word. A longer word
can still split into short lexemes: "jose.nunez@e" gave
'jose':* & 'nunez':* & 'e':*, and "j.smi" gave 'j':* & 'smi':*. search_label
now leaves the prefix flag off every lexeme of 1 or 2 characters, which then
matches only as a whole word.
"""

from alembic import op

revision = "0009_short_prefixes"
down_revision = "0008_search_lexemes"
branch_labels = None
depends_on = None

# The same SET clause as in 0004, for the same reason. In the tsquery's text
# output, a lexeme is quoted with '' for a quote, so {1,2} counts a quote as one
# character. The second pass cannot match the text between two lexemes, which
# holds at least an operator, two spaces and the first lexeme's labels.
SHORT_PREFIXES_SKIPPED = r"""
CREATE OR REPLACE FUNCTION search_label(query tsquery, is_prefix boolean, weights text)
RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    -- Appends the weight labels and, for a word being typed, the prefix flag to
    -- every lexeme, then takes the prefix flag off lexemes of 1 or 2 characters.
    -- The text edited is the tsquery's own output, so user input cannot add
    -- operators. The colons are concatenated to keep SQLAlchemy from reading a
    -- bind parameter.
    SELECT CASE
        WHEN NOT is_prefix AND weights = '' THEN query
        WHEN NOT is_prefix THEN regexp_replace(
            query::text, '(''(?:[^'']|'''')*'')', '\1' || ':' || weights, 'g')::tsquery
        ELSE regexp_replace(
            regexp_replace(query::text, '(''(?:[^'']|'''')*'')', '\1' || ':*' || weights, 'g'),
            '(''(?:[^'']|''''){1,2}'')' || ':\*',
            '\1' || CASE WHEN weights = '' THEN '' ELSE ':' END,
            'g')::tsquery
    END
$$;
"""

# The body of 0004, restored without its comment.
ALL_PREFIXES = r"""
CREATE OR REPLACE FUNCTION search_label(query tsquery, is_prefix boolean, weights text)
RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT CASE WHEN NOT is_prefix AND weights = '' THEN query
        ELSE regexp_replace(query::text, '(''(?:[^'']|'''')*'')',
            '\1' || ':' || CASE WHEN is_prefix THEN '*' ELSE '' END || weights, 'g')::tsquery
    END
$$;
"""


def upgrade():
    op.execute(SHORT_PREFIXES_SKIPPED)


def downgrade():
    op.execute(ALL_PREFIXES)
