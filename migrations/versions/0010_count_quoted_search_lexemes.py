"""Keep the prefix flag on a query lexeme that contains a quote and 3 or more characters.

Revision ID: 0010_quoted_lexemes
Revises: 0009_short_prefixes
Create Date: 2026-12-05

Migration 0009's second pass could start its match at the second quote of a
doubled quote inside a lexeme. unaccent turns letters such as the modifier
letter apostrophe U+02BC into a quote, so a typed "oʼbr" became the lexeme
o'br, written 'o''br':*. The pass read 'br':* as a lexeme of 2 characters and
took the flag off, and "oʼbr" no longer found Oʼbrien. A lexeme's opening quote
never follows another quote in the text output, so the pass now requires that.
"""

from alembic import op

revision = "0010_quoted_lexemes"
down_revision = "0009_short_prefixes"
branch_labels = None
depends_on = None

# The same SET clause as in 0004, for the same reason. In the tsquery's text
# output, a lexeme is quoted with '' for a quote, so {1,2} counts a quote as one
# character. In that output a lexeme's opening quote follows the start, a space,
# "!" or "(", never a quote, and the lookbehind (?<!'') keeps the second pass
# from starting at the second quote of a doubled quote inside a lexeme.
QUOTED_LEXEMES_COUNTED = r"""
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
            '(?<!'')(''(?:[^'']|''''){1,2}'')' || ':\*',
            '\1' || CASE WHEN weights = '' THEN '' ELSE ':' END,
            'g')::tsquery
    END
$$;
"""

# The body of 0009, restored without its comment.
QUOTED_LEXEMES_SPLIT = r"""
CREATE OR REPLACE FUNCTION search_label(query tsquery, is_prefix boolean, weights text)
RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
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


def upgrade():
    op.execute(QUOTED_LEXEMES_COUNTED)


def downgrade():
    op.execute(QUOTED_LEXEMES_SPLIT)
