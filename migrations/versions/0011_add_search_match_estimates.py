"""Add search_estimated_matches: the planner's row estimate for a tsquery on a table.

Revision ID: 0011_search_estimates
Revises: 0010_quoted_lexemes
Create Date: 2026-12-05

Search chooses how to scan for a typed prefix from the planner's row estimates
of its words (app/services/search_anchor.py). It read them with one EXPLAIN per
table and tsquery, so up to four round trips on each new search text. This
function runs the EXPLAIN on the server, so that one SELECT returns them all.
PL/pgSQL plans a statement run by EXECUTE ... USING with the parameter's value,
so the estimate is the one that EXPLAIN gives for the literal tsquery.
"""

from alembic import op

revision = "0011_search_estimates"
down_revision = "0010_quoted_lexemes"
branch_labels = None
depends_on = None

# VOLATILE because PostgreSQL runs EXPLAIN only from volatile functions. The
# table comes in as a regclass, whose text output is a quoted, qualified name
# where the search_path needs one.
CREATE_FUNCTION = """
CREATE FUNCTION search_estimated_matches(search_table regclass, query tsquery)
RETURNS double precision
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE format(
        'EXPLAIN (FORMAT JSON) SELECT 1 FROM %s WHERE search_vector @@ $1', search_table
    ) INTO plan USING query;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END
$$;
"""


def upgrade():
    op.execute(CREATE_FUNCTION)


def downgrade():
    op.execute("DROP FUNCTION IF EXISTS search_estimated_matches(regclass, tsquery)")
