"""Parse the search box's web-search syntax into a PostgreSQL tsquery expression.

The syntax: words separated by spaces must all match, ``"quoted words"`` must
match as a phrase, and a leading ``-`` excludes a word or phrase. The last word
matches as a prefix while it is being typed, that is unless the input ends with
a space. The database's search_label leaves the prefix off every lexeme of 1 or
2 characters (migrations 0009 and 0010). As prefixes at the large seed size,
"e" took 19 ms and "jo" 15 ms, against 4 to 8 ms for three letters, because
GIN gathers every indexed word that starts with a prefix.

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
    if typing and terms and not terms[-1].phrase and not terms[-1].negated:
        terms[-1] = replace(terms[-1], prefix=True)
    return terms


def anchor_terms(terms):
    """Return the terms that must match besides a typed prefix, or [] without a prefix.

    Excluded words are left out, because an index cannot select rows by a word
    that is absent.
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
