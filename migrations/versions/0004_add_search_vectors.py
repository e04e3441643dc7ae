"""Add full-text search vectors to candidates, jobs and clients.

Revision ID: 0004_search
Revises: 0003_dashboard
Create Date: 2026-12-04

Each table gets a ``search_vector`` tsvector with a GIN index, kept current by the
database. Candidates and clients use generated columns. Jobs also match on their
client's name, which lives in another table, so a trigger fills the job's vector
and a trigger on clients rewrites the vectors of its jobs when the client is
renamed.

Two text search configurations, ``search_simple`` (no stemming: names, emails,
companies, skills, places) and ``search_english`` (stemming: titles, industries,
descriptions), pass every word through the ``unaccent`` dictionary when the
server offers that extension. Without it they are plain copies of ``simple`` and
``english``, so the schema and queries work the same, and only accent folding is
lost. To gain it after installing the extension, downgrade to 0002 and upgrade
again.

Adding the generated columns rewrites candidates and clients. At the large seed
size the upgrade took 3 min 40 s on a 2-core machine that other work was loading.

Vector weights drive ranking and stemming: A is names and emails, B is titles
(stemmed and unstemmed), C is the other short fields (unstemmed) and D is job
descriptions and client industries (stemmed).
"""

import logging

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "0004_search"
down_revision = "0003_dashboard"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

# The word token types of the default parser; emails, hosts and numbers stay as
# they are in both configurations.
WORD_TOKENS = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"

# Functions are created with SET search_path FROM CURRENT: generated columns and
# triggers run them under whatever search_path a session has (pg_restore uses an
# empty one), and their bodies must still find the configurations and tables.
FUNCTIONS = r"""
CREATE FUNCTION search_document(config regconfig, value text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    -- Dots and at signs split emails and names such as node.js into words, the
    -- same way search_word_query splits what a user types.
    SELECT to_tsvector(config, translate(coalesce(value, ''), '@.', '  '))
$$;

CREATE FUNCTION candidate_search_vector(
    first_name text, last_name text, email text, current_title text,
    current_company text, skills text[], location text
) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    -- array_to_string is only STABLE because it calls the element type's output
    -- function; for text[] the result never changes, so IMMUTABLE holds here.
    SELECT setweight(search_document('search_simple',
                coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' '
                || coalesce(email, '')), 'A')
        || setweight(search_document('search_english', current_title)
                || search_document('search_simple', current_title), 'B')
        || setweight(search_document('search_simple',
                coalesce(current_company, '') || ' '
                || coalesce(array_to_string(skills, ' '), '') || ' '
                || coalesce(location, '')), 'C')
$$;

CREATE FUNCTION client_search_vector(name text, industry text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT setweight(search_document('search_simple', name), 'A')
        || setweight(search_document('search_simple', industry), 'C')
        || setweight(search_document('search_english', industry), 'D')
$$;

CREATE FUNCTION job_search_vector(
    title text, description text, location text, client_name text
) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT setweight(search_document('search_english', title)
                || search_document('search_simple', title), 'B')
        || setweight(search_document('search_simple',
                coalesce(client_name, '') || ' ' || coalesce(location, '')), 'C')
        || setweight(search_document('search_english', description), 'D')
$$;

CREATE FUNCTION jobs_set_search_vector() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    NEW.search_vector := job_search_vector(
        NEW.title, NEW.description, NEW.location,
        (SELECT name FROM clients WHERE id = NEW.client_id));
    RETURN NEW;
END
$$;

CREATE FUNCTION clients_refresh_job_search_vectors() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    -- The BEFORE UPDATE trigger on jobs recomputes each vector, reading the new name.
    UPDATE jobs SET search_vector = NULL WHERE client_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_search_vector
BEFORE INSERT OR UPDATE ON jobs
FOR EACH ROW EXECUTE FUNCTION jobs_set_search_vector();

CREATE TRIGGER clients_job_search_vectors
AFTER UPDATE OF name ON clients
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION clients_refresh_job_search_vectors();

-- Query-side helpers, used by app/services/search_query.py with bound parameters.
CREATE FUNCTION search_label(query tsquery, is_prefix boolean, weights text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    -- Appends the prefix flag and weight labels to every lexeme. The text edited is
    -- the tsquery's own output, where each lexeme is quoted with '' for a quote, so
    -- user input cannot add operators. The colon is concatenated to keep SQLAlchemy
    -- from reading a bind parameter.
    SELECT CASE WHEN NOT is_prefix AND weights = '' THEN query
        ELSE regexp_replace(query::text, '(''(?:[^'']|'''')*'')',
            '\1' || ':' || CASE WHEN is_prefix THEN '*' ELSE '' END || weights, 'g')::tsquery
    END
$$;

CREATE FUNCTION search_word_query(word text, is_prefix boolean) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    -- A word matches names unstemmed and prose stemmed. The stemmed lexemes are
    -- limited to weights B (titles) and D (descriptions, industries), the fields
    -- indexed with stemming, so that "hoppers" does not find a person named Hopper.
    -- A word that English drops as a stop word is dropped from both, so a query of
    -- only stop words has nothing to search.
    SELECT CASE
        WHEN numnode(english) = 0 THEN ''::tsquery
        ELSE search_label(simple, is_prefix, '') || search_label(english, is_prefix, 'BD')
    END
    FROM (SELECT plainto_tsquery('search_simple', translate(word, '@.', '  ')) AS simple,
                 plainto_tsquery('search_english', translate(word, '@.', '  ')) AS english) AS q
$$;

CREATE FUNCTION search_phrase_query(phrase text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT CASE
        WHEN numnode(english) = 0 THEN ''::tsquery
        ELSE simple || search_label(english, false, 'BD')
    END
    FROM (SELECT phraseto_tsquery('search_simple', translate(phrase, '@.', '  ')) AS simple,
                 phraseto_tsquery('search_english', translate(phrase, '@.', '  ')) AS english) AS q
$$;
"""

# search_fold: the form in which a whole query is compared with a name or email
# for the exact-match tier: lower case, single spaces and, when available, no accents.
# It runs per ranked row, so it has no SET clause, which would keep PostgreSQL
# from inlining it; it finds unaccent on the session's search_path.
FOLD_WITH_UNACCENT = """
CREATE FUNCTION search_fold(value text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT lower(regexp_replace(btrim(unaccent(value)), '\\s+', ' ', 'g'))
$$;
"""
FOLD_WITHOUT_UNACCENT = """
CREATE FUNCTION search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(regexp_replace(btrim(value), '\\s+', ' ', 'g'))
$$;
"""

DROP_FUNCTIONS = """
DROP TRIGGER IF EXISTS clients_job_search_vectors ON clients;
DROP TRIGGER IF EXISTS jobs_search_vector ON jobs;
DROP FUNCTION IF EXISTS clients_refresh_job_search_vectors();
DROP FUNCTION IF EXISTS jobs_set_search_vector();
DROP FUNCTION IF EXISTS search_phrase_query(text);
DROP FUNCTION IF EXISTS search_word_query(text, boolean);
DROP FUNCTION IF EXISTS search_label(tsquery, boolean, text);
DROP FUNCTION IF EXISTS search_fold(text);
DROP FUNCTION IF EXISTS job_search_vector(text, text, text, text);
DROP FUNCTION IF EXISTS client_search_vector(text, text);
DROP FUNCTION IF EXISTS candidate_search_vector(text, text, text, text, text, text[], text);
DROP FUNCTION IF EXISTS search_document(regconfig, text);
DROP TEXT SEARCH CONFIGURATION IF EXISTS search_english;
DROP TEXT SEARCH CONFIGURATION IF EXISTS search_simple;
"""

CANDIDATE_VECTOR = (
    "candidate_search_vector(first_name, last_name, email, current_title, "
    "current_company, skills, location)"
)
CLIENT_VECTOR = "client_search_vector(name, industry)"

INDEXES = (
    ("ix_candidates_search_vector", "candidates"),
    ("ix_jobs_search_vector", "jobs"),
    ("ix_clients_search_vector", "clients"),
)


def install_unaccent(connection):
    """Create the unaccent extension if the server has it; return whether it is usable.

    A server without the extension's files, or a role that may not create it, is
    not an error: search then works without accent folding.
    """
    available = connection.scalar(
        sa.text("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent')")
    )
    if not available:
        logger.warning("The unaccent extension is not available: search will not fold accents.")
        return False
    savepoint = connection.begin_nested()
    try:
        connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except sa.exc.DBAPIError as error:
        savepoint.rollback()
        logger.warning("Could not create the unaccent extension, so accents matter: %s", error)
        return False
    savepoint.commit()
    return True


def create_configurations(with_unaccent):
    op.execute("CREATE TEXT SEARCH CONFIGURATION search_simple (COPY = simple)")
    op.execute("CREATE TEXT SEARCH CONFIGURATION search_english (COPY = english)")
    if not with_unaccent:
        return
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION search_simple ALTER MAPPING FOR {WORD_TOKENS} "
        "WITH unaccent, simple"
    )
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION search_english ALTER MAPPING FOR {WORD_TOKENS} "
        "WITH unaccent, english_stem"
    )


def upgrade():
    connection = op.get_bind()
    with_unaccent = install_unaccent(connection)
    create_configurations(with_unaccent)
    op.execute(FUNCTIONS)
    op.execute(FOLD_WITH_UNACCENT if with_unaccent else FOLD_WITHOUT_UNACCENT)

    op.add_column(
        "candidates",
        sa.Column("search_vector", TSVECTOR(), sa.Computed(CANDIDATE_VECTOR, persisted=True)),
    )
    op.add_column(
        "clients",
        sa.Column("search_vector", TSVECTOR(), sa.Computed(CLIENT_VECTOR, persisted=True)),
    )
    op.add_column("jobs", sa.Column("search_vector", TSVECTOR()))
    # Fires the BEFORE UPDATE trigger, which fills the new column.
    op.execute("UPDATE jobs SET search_vector = NULL")

    for name, table in INDEXES:
        op.create_index(name, table, ["search_vector"], postgresql_using="gin")


def downgrade():
    for name, table in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_column("jobs", "search_vector")
    op.drop_column("clients", "search_vector")
    op.drop_column("candidates", "search_vector")
    # The unaccent extension stays: other objects may use it.
    op.execute(DROP_FUNCTIONS)
