"""Parse the search box's web-search syntax into a PostgreSQL tsquery expression.

The syntax: words separated by spaces must all match, ``"quoted words"`` must
match as a phrase, and a leading ``-`` excludes a word or phrase. The last word
matches as a prefix while it is being typed: when the input does not end with a
space and the word has at least MIN_PREFIX_LENGTH letters or digits.

User text never becomes SQL or tsquery syntax: each term is a bound parameter,
turned into lexemes by PostgreSQL's own plainto_tsquery and phraseto_tsquery
(inside the search_word_query and search_phrase_query functions that the
migration creates).
"""

import re
from dataclasses import dataclass, replace

# A search box takes a few words. The limit keeps the tsquery small, and longer
# input is rejected rather than silently cut.
MAX_QUERY_LENGTH = 200

# A shorter last word matches only as a whole word. A prefix makes GIN gather
# every indexed word that starts with it, and at the large seed size "e" took
# 19 ms and "jo" 15 ms, against 4 to 8 ms for three letters. The database's
# search_label applies the same limit to each lexeme of a word (migration 0009).
MIN_PREFIX_LENGTH = 3

# An optional minus, then either a quoted phrase (its closing quote may be missing
# while the user types) or a run of non-space characters.
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    """One word or phrase of a query."""

    text: str
    phrase: bool = False
    negated: bool = False
    prefix: bool = False


def clean_query(query):
    """Return ``query`` without NUL characters, which PostgreSQL text cannot contain."""
    return query.replace("\x00", " ")


def parse_terms(query):
    """Split a cleaned query into terms; the last plain word becomes a prefix."""
    terms = []
    for match in TOKEN.finditer(query):
        minus, phrase, word = match.groups()
        if word is not None:
            negated = word.startswith("-") and len(word) > 1
            terms.append(Term(word[1:] if negated else word, negated=negated))
        elif phrase.strip():
            terms.append(Term(phrase, phrase=True, negated=bool(minus)))

    typing = bool(query) and not query[-1].isspace()
    if typing and terms and is_prefix_candidate(terms[-1]):
        terms[-1] = replace(terms[-1], prefix=True)
    return terms


def is_prefix_candidate(term):
    """Return whether ``term``, the last one typed, may match as a prefix."""
    if term.phrase or term.negated:
        return False
    return sum(character.isalnum() for character in term.text) >= MIN_PREFIX_LENGTH


def anchor_terms(terms):
    """Return the terms that must match besides a typed prefix, or [] without a prefix.

    Excluded words are left out: they cannot select rows from an index.
    """
    if not terms or not terms[-1].prefix:
        return []
    return [term for term in terms[:-1] if not term.negated]


def tsquery_expression(terms, name="term"):
    """Return ``(sql, params)``: a tsquery expression that ANDs ``terms``.

    Terms that have no lexemes (punctuation, English stop words) become empty
    queries, which ``&&`` ignores, so the result may be an empty tsquery. The
    parameters are named ``<name>_<index>``, so that expressions with different
    names can share a statement.
    """
    parts = []
    params = {}
    for index, term in enumerate(terms):
        parameter = f"{name}_{index}"
        params[parameter] = term.text
        if term.phrase:
            part = f"search_phrase_query(:{parameter})"
        else:
            part = f"search_word_query(:{parameter}, {'true' if term.prefix else 'false'})"
        if term.negated:
            part = f"!!{part}"
        parts.append(part)
    return " && ".join(parts) or "''::tsquery", params
