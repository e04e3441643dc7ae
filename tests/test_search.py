"""GET /api/search over a small hand-made set whose best matches are known."""

import pytest
from sqlalchemy import text

from app.extensions import db
from config import TestConfig
from tests.conftest import statements_sent


@pytest.fixture
def has_unaccent(app):
    """Whether the test server has the unaccent extension (the embedded one does not)."""
    with app.app_context():
        installed = db.session.scalar(
            text("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent')")
        )
        db.session.remove()
    return installed


@pytest.fixture
def search(client, auth):
    """Return a function that searches and returns ``(status, JSON body)``."""

    def run(q=None, **args):
        if q is not None:
            args["q"] = q
        response = client.get("/api/search", query_string=args, headers=auth)
        return response.status_code, response.get_json()

    return run


@pytest.fixture
def found(search):
    """Return a function that searches and returns the ``(type, title)`` of each result."""

    def run(q, **args):
        status, body = search(q, **args)
        assert status == 200, body
        return [(item["type"], item["title"]) for item in body["data"]]

    return run


@pytest.fixture
def records(make_client_record, make_job, make_candidate):
    """Three clients, three jobs and five candidates, returned by name."""
    acme = make_client_record(name="Acme Robotics", industry="Manufacturing")
    globex = make_client_record(name="Globex", industry="Software Engineering")
    hopper_labs = make_client_record(name="Hopper Labs", industry="Research")
    return {
        "acme": acme,
        "globex": globex,
        "hopper_labs": hopper_labs,
        "java_job": make_job(
            title="Senior Java Developer",
            clientId=acme["id"],
            description="Maintain the warehouse robots' control software in Java and SQL.",
            location="Berlin",
        ),
        "data_job": make_job(
            title="Data Engineer",
            clientId=globex["id"],
            description="Pipelines in Python. Engineers who enjoy running experiments.",
        ),
        "manager_job": make_job(
            title="Engineering Manager",
            clientId=hopper_labs["id"],
            description="Lead a team of eight.",
        ),
        "jose": make_candidate(
            firstName="José",
            lastName="Núñez",
            email="jose.nunez@example.com",
            currentTitle="Backend Developer",
            currentCompany="Globex",
            skills=["Java", "PostgreSQL"],
            location="Madrid",
        ),
        "grace": make_candidate(
            firstName="Grace",
            lastName="Hopper",
            email="grace@navy.example",
            currentTitle="Rear Admiral",
            skills=["COBOL"],
        ),
        "graceful": make_candidate(
            firstName="Grace",
            lastName="Hopperton",
            email="g.hopperton@example.com",
            currentTitle="Hopper Operator",
        ),
        "ada": make_candidate(
            firstName="Ada",
            lastName="Lovelace",
            email="ada@example.com",
            currentTitle="Engineering Lead",
            currentCompany="Analytical Engines",
            skills=["Mathematics"],
        ),
        "javier": make_candidate(
            firstName="Javier",
            lastName="Ortega",
            email="javier@example.com",
            currentTitle="Designer",
        ),
    }


# Arguments


def test_search_missing_q_is_400(search):
    status, body = search()

    assert status == 400
    assert body["error"]["code"] == "invalid_search"
    assert "q" in body["error"]["fields"]


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_search_blank_q_is_400(search, blank):
    status, body = search(blank)

    assert status == 400
    assert body["error"]["code"] == "invalid_search"


def test_search_q_over_limit_is_400(search):
    status, body = search("a" * 201)

    assert status == 400
    assert body["error"]["fields"]["q"] == [
        "The search text is longer than the maximum of 200 characters."
    ]


def test_search_q_at_limit_is_accepted(search):
    status, _ = search("a" * 200)

    assert status == 200


@pytest.mark.parametrize("types", ["person", "candidate,person", "candidate,", "Candidate"])
def test_search_unknown_type_is_400(search, types):
    status, body = search("grace", type=types)

    assert status == 400
    assert "type" in body["error"]["fields"]


@pytest.mark.parametrize("limit", [0, 51, "ten"])
def test_search_limit_out_of_range_is_rejected(search, limit):
    status, body = search("grace", limit=limit)

    assert status == 422
    assert "limit" in body["error"]["fields"]


def test_search_unknown_parameter_is_rejected(search):
    status, body = search("grace", sort="name")

    assert status == 422
    assert "sort" in body["error"]["fields"]


def test_search_requires_authentication(client):
    response = client.get("/api/search?q=grace")

    assert response.status_code == 401


# Matching


def test_search_finds_candidate_by_name(records, found):
    results = found("lovelace")

    assert results == [("candidate", "Ada Lovelace")]


def test_search_finds_candidate_by_email(records, found):
    results = found("grace@navy.example")

    assert results == [("candidate", "Grace Hopper")]


def test_search_finds_candidate_by_skill_company_and_location(records, found):
    assert found("postgresql") == [("candidate", "José Núñez")]
    assert found("analytical") == [("candidate", "Ada Lovelace")]
    assert found("madrid") == [("candidate", "José Núñez")]


def test_search_finds_job_by_description_location_and_client(records, found):
    assert found("warehouse") == [("job", "Senior Java Developer")]
    assert found("berlin") == [("job", "Senior Java Developer")]
    assert ("job", "Data Engineer") in found("globex")


def test_search_finds_client_by_industry(records, found):
    results = found("manufacturing")

    assert results == [("client", "Acme Robotics")]


def test_search_last_word_matches_as_prefix(records, found):
    results = found("jav")

    assert ("candidate", "José Núñez") in results
    assert ("candidate", "Javier Ortega") in results
    assert ("job", "Senior Java Developer") in results


def test_search_completed_word_is_not_a_prefix(records, found):
    results = found("jav ")

    assert results == []


def test_search_earlier_words_are_not_prefixes(records, found):
    results = found("jav developer")

    assert results == []


def test_search_requires_every_word(records, found):
    results = found("grace cobol")

    assert results == [("candidate", "Grace Hopper")]


def test_search_quoted_phrase_keeps_word_order(records, found):
    assert found('"java developer"') == [("job", "Senior Java Developer")]
    assert found('"developer java"') == []


def test_search_unclosed_phrase_still_searches(records, found):
    results = found('"senior java')

    assert results == [("job", "Senior Java Developer")]


def test_search_minus_excludes_a_word(records, found):
    results = found("grace -cobol")

    assert results == [("candidate", "Grace Hopperton")]


def test_search_minus_excludes_a_phrase(records, found):
    results = found('java -"senior java"')

    assert results == [("candidate", "José Núñez")]


def test_search_only_exclusions_returns_nothing(records, search):
    status, body = search("-java")

    assert status == 200
    assert body["data"] == []
    assert body["total"] == 0


def test_search_stems_prose_fields(records, found):
    results = found("engineers managing")

    assert results == [("job", "Engineering Manager")]


def test_search_does_not_stem_names(records, found):
    # "hoppers" stems to "hopper", which must not reach the name Hopper, only the
    # stemmed title "Hopper Operator" and nothing unstemmed.
    results = found("hoppers ")

    assert results == [("candidate", "Grace Hopperton")]


def test_search_ignores_case(records, found):
    results = found("LOVELACE")

    assert results == [("candidate", "Ada Lovelace")]


def test_search_accent_folding_follows_unaccent(make_candidate, found, has_unaccent):
    # Accents are ignored where the server has unaccent (the machine's PostgreSQL)
    # and matter where it does not (the embedded one), so both servers run this.
    make_candidate(firstName="Renée", lastName="Ångström", email=None)
    expected = [("candidate", "Renée Ångström")] if has_unaccent else []

    assert found("renee angstrom") == expected


def test_search_accented_spelling_always_matches(make_candidate, found):
    make_candidate(firstName="Renée", lastName="Ångström", email=None)

    assert found("renée ångström") == [("candidate", "Renée Ångström")]


def test_search_type_filter_limits_results(records, found):
    assert found("globex", type="client") == [("client", "Globex")]
    assert {kind for kind, _ in found("globex", type="candidate,job")} == {"candidate", "job"}


# Ranking


def test_search_exact_name_comes_first(records, found):
    results = found("grace hopper")

    assert results[0] == ("candidate", "Grace Hopper")


def test_search_exact_email_comes_first(records, make_candidate, found):
    make_candidate(firstName="Jose", lastName="Email", email="someone@example.com")

    results = found("jose.nunez@example.com")

    assert results[0] == ("candidate", "José Núñez")


def test_search_name_before_title_before_rest(records, found):
    # The trailing space ends the word, so "Hopperton" does not match as a prefix.
    results = found("hopper ")

    # Tier 2, a name word: the client Hopper Labs and Grace Hopper. Tier 1, a title
    # word: the Hopper Operator. Tier 0: the job whose client is Hopper Labs.
    assert set(results[:2]) == {("client", "Hopper Labs"), ("candidate", "Grace Hopper")}
    assert results[2:] == [("candidate", "Grace Hopperton"), ("job", "Engineering Manager")]


def test_search_whole_word_first_while_typing(make_candidate, found):
    # By title alone, Amy Toddington would come first.
    make_candidate(firstName="Amy", lastName="Toddington", email=None)
    make_candidate(firstName="Zed", lastName="Todd", email=None)

    results = found("todd")

    assert results == [("candidate", "Zed Todd"), ("candidate", "Amy Toddington")]


def test_search_exact_client_name_comes_first(records, found):
    results = found("hopper labs")

    assert results[0] == ("client", "Hopper Labs")


def test_search_title_before_description(records, found):
    results = found("engineering")

    assert results.index(("job", "Engineering Manager")) < results.index(("job", "Data Engineer"))
    assert results.index(("candidate", "Ada Lovelace")) < results.index(("job", "Data Engineer"))


def test_search_ties_break_by_title_then_id(make_candidate, search):
    twins = [make_candidate(firstName="Sam", lastName="Twin", email=None) for _ in range(3)]
    alpha = make_candidate(firstName="Sam", lastName="Alpha", email=None)

    status, body = search("sam")

    assert status == 200
    ids = [item["id"] for item in body["data"]]
    assert ids == [alpha["id"], *sorted(twin["id"] for twin in twins)]


def test_search_order_is_stable_across_pages(records, make_candidate, search):
    for number in range(10):
        make_candidate(firstName="Pat", lastName=f"Pager{number % 3}", currentTitle="Engineer")
    _, everything = search("eng", limit=50)
    pages = [search("eng", limit=2, offset=offset)[1]["data"] for offset in range(0, 14, 2)]

    paged_ids = [item["id"] for page in pages for item in page]
    assert len(everything["data"]) >= 12
    assert paged_ids == [item["id"] for item in everything["data"]]


# Response shape


def test_search_result_shape(records, search):
    status, body = search("lovelace")

    assert status == 200
    assert body["total"] == 1
    assert body["limit"] == 10
    assert body["offset"] == 0
    item = body["data"][0]
    assert item["type"] == "candidate"
    assert item["id"] == records["ada"]["id"]
    assert item["title"] == "Ada Lovelace"
    assert item["subtitle"] == "Engineering Lead at Analytical Engines"
    assert isinstance(item["rank"], float)
    assert "<mark>Lovelace</mark>" in item["highlight"]


def test_search_subtitles_per_type(records, search):
    _, body = search("globex")

    subtitles = {item["type"]: item["subtitle"] for item in body["data"]}
    assert subtitles["client"] == "Software Engineering"
    assert subtitles["job"] == "Globex"
    assert subtitles["candidate"] == "Backend Developer at Globex"


def test_search_highlight_escapes_html(make_candidate, search):
    make_candidate(firstName="Bobby", lastName="Tables", currentTitle="<script>x</script> Dev")

    _, body = search("bobby")

    highlight = body["data"][0]["highlight"]
    assert "<script>" not in highlight
    assert "&lt;script&gt;" in highlight
    assert "<mark>Bobby</mark>" in highlight


def test_search_total_counts_beyond_the_page(records, search):
    status, body = search("grace", limit=1)

    assert status == 200
    assert len(body["data"]) == 1
    assert body["total"] == 2


def test_search_offset_past_end_keeps_total(records, search):
    status, body = search("grace", offset=10)

    assert status == 200
    assert body["data"] == []
    assert body["total"] == 2


# Freshness: the database maintains the vectors within the writing transaction.


def test_search_finds_new_record_at_once(make_candidate, found):
    make_candidate(firstName="Zelda", lastName="Fitzgerald")

    assert found("zelda") == [("candidate", "Zelda Fitzgerald")]


def test_search_follows_candidate_update(records, client, auth, found):
    response = client.patch(
        f"/api/candidates/{records['ada']['id']}",
        json={"currentTitle": "Cartographer"},
        headers=auth,
    )
    assert response.status_code == 200

    assert found("cartographer") == [("candidate", "Ada Lovelace")]
    assert ("candidate", "Ada Lovelace") not in found("lead")


def test_search_follows_job_update(records, client, auth, found):
    response = client.patch(
        f"/api/jobs/{records['data_job']['id']}", json={"title": "Data Scientist"}, headers=auth
    )
    assert response.status_code == 200

    assert found("scientist") == [("job", "Data Scientist")]


def test_search_follows_client_rename_into_its_jobs(records, client, auth, found):
    response = client.patch(
        f"/api/clients/{records['acme']['id']}", json={"name": "Initech"}, headers=auth
    )
    assert response.status_code == 200

    assert found("initech") == [("client", "Initech"), ("job", "Senior Java Developer")]
    assert found("acme") == []


def test_search_forgets_deleted_record(records, client, auth, found):
    response = client.delete(f"/api/candidates/{records['javier']['id']}", headers=auth)
    assert response.status_code == 204

    assert found("javier") == []


# Hostile input: never a 500, and nothing searchable means an empty result.

NOTHING_SEARCHABLE = [
    "'",
    '"',
    '""',
    "''",
    ":*",
    "\\",
    "&",
    "|",
    "!",
    "-",
    "--",
    "(",
    ")",
    "<->",
    "!!",
    "\x00",
    "a\x00",
    "😀",
    "👩‍💻 🚀",
    "the and",
    "the",
    "and or not",
    '"the"',
    "-the",
    "-java",
    '-"java"',
    "...",
    "@",
    "%",
    "_",
    "\u200b",
    "\ufffd",
    ";DROP TABLE candidates;--",
]

MAYBE_SEARCHABLE = [
    "c++",
    "C#",
    "a & b | !c",
    "grace & hopper",
    "grace | lovelace",
    "!grace",
    "grace:*",
    "grace:A",
    "'grace'",
    "o'brien",
    "hop\\per",
    "x" * 200,
    "word " * 40,
    "é" * 200,
    "1/2 ½ ﬁ",
    "σίσυφος",
    "東京",
    "%grace%",
    "grace\x00hopper",
    "'; SELECT pg_sleep(10); --",
    '"unterminated',
    '-"',
    "- grace",
    "grace -",
]


@pytest.mark.parametrize("q", NOTHING_SEARCHABLE)
def test_search_unsearchable_input_returns_nothing(records, search, q):
    status, body = search(q)

    assert status == 200
    assert body["data"] == []
    assert body["total"] == 0


@pytest.mark.parametrize("q", MAYBE_SEARCHABLE)
def test_search_hostile_input_is_answered(records, search, q):
    status, body = search(q)

    assert status == 200
    assert isinstance(body["data"], list)


def test_search_symbols_do_not_turn_into_operators(records, found):
    # PostgreSQL's to_tsquery would read these as AND and OR; here they are ignored.
    assert found("grace & hopper ") == [
        ("candidate", "Grace Hopper"),
        ("candidate", "Grace Hopperton"),
    ]
    assert found("grace | lovelace") == []


def test_search_long_url_is_rejected_in_the_error_shape(records, client, auth):
    response = client.get("/api/search", query_string={"q": "x" * 10_000}, headers=auth)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_search"


# Index use


@pytest.mark.parametrize("table", ["candidates", "jobs", "clients"])
def test_search_query_can_use_the_gin_index(app, table):
    # The tables here are tiny, so the planner prefers a sequential scan unless told
    # otherwise; the benchmark checks the plan on the large seed.
    with app.app_context():
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = db.session.execute(
            text(
                f"EXPLAIN SELECT id FROM {table} "
                "WHERE search_vector @@ search_word_query('java', true)"
            )
        ).scalars()
        plan_text = "\n".join(plan)
        db.session.rollback()
        db.session.remove()

    assert f"ix_{table}_search_vector" in plan_text


def test_search_total_stops_at_the_ranking_cap(app, make_candidate, search):
    for number in range(4):
        make_candidate(firstName="Capped", lastName=f"Person{number}", email=None)
    app.config["SEARCH_MAX_RANKED_MATCHES"] = 3
    try:
        status, body = search("capped")
    finally:
        app.config["SEARCH_MAX_RANKED_MATCHES"] = TestConfig.SEARCH_MAX_RANKED_MATCHES

    assert status == 200
    assert body["total"] == 3
    assert body["totalCapped"] is True
    assert len(body["data"]) == 3


def test_search_exact_name_survives_the_cap(app, make_candidate, search):
    # Created first, so the title matches come first in physical order and fill
    # the capped pass; the name pass must still find the exact name.
    for number in range(4):
        make_candidate(firstName="Ann", lastName=f"Other{number}", currentTitle="Zed Widget")
    make_candidate(firstName="Zed", lastName="Widget", email=None)
    app.config["SEARCH_MAX_RANKED_MATCHES"] = 3
    try:
        status, body = search("zed widget")
    finally:
        app.config["SEARCH_MAX_RANKED_MATCHES"] = TestConfig.SEARCH_MAX_RANKED_MATCHES

    assert status == 200
    assert body["data"][0]["title"] == "Zed Widget"
    assert body["data"][0]["rank"] >= 3
    assert body["total"] == 4
    assert body["totalCapped"] is True


@pytest.fixture
def full_name_pass(app, make_candidate):
    """Three candidates named Quillon and two with it only in their title, under a cap of 3.

    The title matches are created first, so they come first in physical order.
    """
    for number in range(2):
        make_candidate(firstName="Ann", lastName=f"Titled{number}", currentTitle="Quillon Fitter")
    for number in range(3):
        make_candidate(firstName="Quillon", lastName=f"Named{number}", email=None)
    app.config["SEARCH_MAX_RANKED_MATCHES"] = 3
    yield
    app.config["SEARCH_MAX_RANKED_MATCHES"] = TestConfig.SEARCH_MAX_RANKED_MATCHES


def test_search_full_name_pass_fills_first_page(full_name_pass, search):
    status, body = search("quillon", limit=2)

    assert status == 200
    assert [item["title"].split()[0] for item in body["data"]] == ["Quillon", "Quillon"]
    # The any-match pass was skipped, so only the name pass counted.
    assert body["total"] == 3
    assert body["totalCapped"] is True


def test_search_page_past_name_cap_keeps_other_matches(full_name_pass, found):
    titles = [title for _, title in found("quillon", limit=2, offset=2)]

    assert titles[0].startswith("Quillon")
    assert titles[1].startswith("Ann Titled")


def test_search_total_below_the_cap_is_exact(records, search):
    status, body = search("grace")

    assert status == 200
    assert body["totalCapped"] is False


def parsed(app, query, types=("candidate", "job", "client")):
    from app.services.search import parse_in_database

    with app.app_context():
        result = parse_in_database(db.engine.url, query, types)
        db.session.remove()
    return result


def built_tsquery(app, query):
    return parsed(app, query).query


def test_search_word_unchanged_by_stemming_is_one_lexeme(app):
    assert built_tsquery(app, "todd") == "'todd':*"


def test_search_stemmed_word_keeps_both_lexemes(app):
    assert built_tsquery(app, "hoppers ") == "'hoppers' | 'hopper':BD"


def test_search_phrase_unchanged_by_stemming_is_one_phrase(app):
    assert built_tsquery(app, '"grace hopper"') == "'grace' <-> 'hopper'"


def test_search_stemmed_phrase_keeps_both_phrases(app):
    assert built_tsquery(app, '"senior developers"') == (
        "'senior' <-> 'developers' | 'senior':BD <-> 'develop':BD"
    )


def test_search_repeated_text_skips_the_parse(records, client, auth, count_statements):
    def run():
        response = client.get("/api/search", query_string={"q": "repeated"}, headers=auth)
        assert response.status_code == 200

    first = count_statements(run)
    second = count_statements(run)

    # The parse, which also estimates the matches for the scan choices.
    assert second == first - 1


def replace_search_configuration(app):
    """Create search_simple again, the same but under a new OID, as a rebuild does."""
    statements = [
        "CREATE TEXT SEARCH CONFIGURATION search_simple_copy (COPY = search_simple)",
        "DROP TEXT SEARCH CONFIGURATION search_simple",
        "ALTER TEXT SEARCH CONFIGURATION search_simple_copy RENAME TO search_simple",
    ]
    with app.app_context():
        for statement in statements:
            db.session.execute(text(statement))
        db.session.commit()
        db.session.remove()


def test_search_reparses_after_configuration_rebuild(app, records, client, auth, count_statements):
    def run():
        response = client.get("/api/search", query_string={"q": "grace"}, headers=auth)
        assert response.status_code == 200
        assert response.get_json()["data"][0]["title"] == "Grace Hopper"

    run()
    cached = count_statements(run)
    replace_search_configuration(app)
    after_rebuild = count_statements(run)
    again = count_statements(run)

    # The stale page, the parse and the page again.
    assert after_rebuild == cached + 2
    assert again == cached


def add_titled_candidates(app, title, count):
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO candidates (first_name, last_name, current_title) "
                "SELECT 'Gen', 'Person' || n, :title FROM generate_series(1, :count) AS n"
            ),
            {"title": title, "count": count},
        )
        db.session.commit()
        db.session.remove()


@pytest.fixture
def skewed_titles(app):
    """400 candidates titled Engineer and 2 Senior Engineer, with fresh statistics."""
    from app.services.search import parse_in_database

    add_titled_candidates(app, "Engineer", 400)
    add_titled_candidates(app, "Senior Engineer", 2)
    with app.app_context():
        db.session.execute(text("ANALYZE candidates"))
        db.session.commit()
        db.session.remove()
    # Earlier tests may have cached a choice made on other statistics.
    parse_in_database.cache_clear()


def choices(app, query, types=("candidate", "job", "client")):
    return parsed(app, query, types).choices


def anchored(app, query, types=("candidate", "job", "client")):
    return choices(app, query, types).anchored


def test_search_rare_word_becomes_anchor(app, skewed_titles):
    assert "candidate" in anchored(app, "senior engineer")


def test_search_rare_prefix_stays_unanchored(app, skewed_titles):
    assert "candidate" not in anchored(app, "engineer senio")


def test_search_estimates_only_requested_types(app, skewed_titles):
    def run():
        assert anchored(app, "senior engineering", types=("client",)) == frozenset()

    sent = statements_sent(app, run)

    assert not any("search_estimated_matches" in statement for statement in sent)


def test_search_parse_includes_the_estimates(app, skewed_titles, count_statements):
    def run():
        assert anchored(app, "senior enginee", types=("candidate", "job")) == {"candidate"}

    assert count_statements(run) == 1


def test_search_estimate_matches_explain(app, skewed_titles):
    with app.app_context():
        estimate = db.session.scalar(
            text("SELECT search_estimated_matches('candidates', 'senior')")
        )
        plan = db.session.scalar(
            text("EXPLAIN (FORMAT JSON) SELECT 1 FROM candidates WHERE search_vector @@ 'senior'")
        )
        db.session.remove()

    assert estimate == plan[0]["Plan"]["Plan Rows"]


def test_search_type_order_reuses_anchor(
    app, records, skewed_titles, client, auth, count_statements
):
    def run(types):
        query = {"q": "senior eng", "type": types}
        response = client.get("/api/search", query_string=query, headers=auth)
        assert response.status_code == 200

    run("candidate,job")
    reordered = count_statements(lambda: run("job,candidate"))
    repeated = count_statements(lambda: run("candidate,job"))

    assert reordered == repeated


def test_search_query_without_prefix_has_no_anchor(app, skewed_titles):
    assert parsed(app, "senior engineer ").anchor is None


def test_search_excluded_word_is_not_an_anchor(app, skewed_titles):
    assert parsed(app, "-senior engineer").anchor is None


ANCHOR_QUERIES = ["senior jav", "grace hop", "java -senior dev", "senior engineer"]


def page_rows(app, q, choices=None, prepared_statement=False, max_ranked=1000):
    """Return every row of the page statement for ``q``, ranking up to ``max_ranked`` matches."""
    from app.services import prepared
    from app.services.autocommit import read_in_autocommit
    from app.services.search import HEADLINE_OPTIONS, NO_CHOICES, SEARCH_TYPES, page_statement

    query = parsed(app, q)
    params = {
        **query._asdict(),
        "limit": 50,
        "offset": 0,
        "headline_options": HEADLINE_OPTIONS,
        "max_ranked": max_ranked,
    }
    statement = page_statement(SEARCH_TYPES, choices or NO_CHOICES)
    with app.app_context():
        if prepared_statement:
            read_in_autocommit()
            rows = [tuple(row.values()) for row in prepared.execute(statement, params)]
        else:
            rows = [tuple(row) for row in db.session.execute(statement.text, params)]
        db.session.remove()
    return rows


@pytest.mark.parametrize("q", ANCHOR_QUERIES)
def test_search_anchored_pass_finds_the_same_page(app, records, skewed_titles, q):
    from app.services.search_scans import ScanChoices

    both = frozenset({"candidate", "job"})
    plain = page_rows(app, q)
    anchored = page_rows(app, q, ScanChoices(both, frozenset()))

    assert plain[0][4] is not None
    assert anchored == plain


@pytest.mark.parametrize("q", [*ANCHOR_QUERIES, "engineer", "grace"])
def test_search_scanned_pass_finds_the_same_page(app, records, skewed_titles, q):
    from app.services.search_scans import ScanChoices

    both = frozenset({"candidate", "job"})
    plain = page_rows(app, q)
    scanned = page_rows(app, q, ScanChoices(frozenset(), both))

    assert scanned == plain


# With the cap reached, each pass ranks the first matches in storage order, which
# a bitmap heap scan and a sequential scan both return.
@pytest.mark.parametrize("q", [*ANCHOR_QUERIES, "engineer", "grace"])
def test_search_scanned_pass_finds_the_same_capped_page(app, records, skewed_titles, q):
    from app.services.search_scans import ScanChoices

    both = frozenset({"candidate", "job"})
    plain = page_rows(app, q, max_ranked=2)
    scanned = page_rows(app, q, ScanChoices(frozenset(), both), max_ranked=2)

    assert scanned == plain


@pytest.mark.parametrize("q", [*ANCHOR_QUERIES, "engineer", "grace"])
def test_search_prepared_page_finds_the_same_page(app, records, skewed_titles, q):
    plain = page_rows(app, q)
    prepared_rows = page_rows(app, q, prepared_statement=True)

    assert prepared_rows == plain


def test_search_common_word_scans_the_table(app, skewed_titles):
    assert "candidate" in choices(app, "engineer ").scanned


def test_search_rare_word_reads_the_index(app, skewed_titles):
    assert "candidate" not in choices(app, "senior ").scanned


# Each table's estimate columns: its rows, then the query's, the anchor's and the
# prefix's matches (search_scans.ESTIMATES). These queries have no anchor.
def estimated(rows, matches):
    return [rows, matches, None, None]


def test_search_jobs_read_the_index_where_candidates_scan():
    from app.services.search_scans import choose_scans

    tenth = estimated(1000, 100)

    assert choose_scans(("candidate", "job"), tenth + tenth).scanned == frozenset({"candidate"})


def test_search_jobs_scan_for_a_common_word():
    from app.services.search_scans import choose_scans

    assert choose_scans(("job",), estimated(1000, 280)).scanned == frozenset({"job"})


def test_search_anchored_type_is_not_scanned(app, skewed_titles):
    assert "candidate" not in choices(app, "senior engineer").scanned


def test_search_page_is_a_prepared_statement(app, records, client, auth):

    def run():
        response = client.get("/api/search", query_string={"q": "grace"}, headers=auth)
        assert response.status_code == 200

    assert statements_sent(app, run)[-1].startswith("EXECUTE ")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("jose.nunez@e", "'jose':* & 'nunez':* & 'e'"),
        ("j.smi", "'j' & 'smi':*"),
        ("o'br", "'o' & 'br'"),
        ("node-jav", "'node-jav':* & 'node':* & 'jav':*"),
    ],
)
def test_search_short_lexeme_is_never_a_prefix(app, q, expected):
    assert built_tsquery(app, q) == expected


# Lexemes that contain a quote, as unaccent makes from the modifier letter
# apostrophe U+02BC and similar letters. The text output doubles each quote.
@pytest.mark.parametrize(
    ("tsquery", "weights", "expected"),
    [
        ("'o''br'", "", "'o''br':*"),
        ("'a''b'", "", "'a''b':*"),
        ("'''ab'", "", "'''ab':*"),
        ("'dar''i'", "BD", "'dar''i':*BD"),
        ("'x'''", "", "'x'''"),
        ("'''y'", "BD", "'''y':BD"),
    ],
)
def test_search_label_counts_lexeme_with_quote_whole(app, tsquery, weights, expected):
    with app.app_context():
        labelled = db.session.scalar(
            text("SELECT search_label(CAST(:tsquery AS tsquery), true, :weights)::text"),
            {"tsquery": tsquery, "weights": weights},
        )
        db.session.remove()

    assert labelled == expected


def test_search_prefix_with_modifier_apostrophe_matches(make_candidate, found):
    # U+02BC is a letter to the parser, and unaccent turns it into a quote.
    make_candidate(firstName="Darʼya", lastName="Oʼbrien", email=None)

    assert found("oʼbr") == [("candidate", "Darʼya Oʼbrien")]


def test_search_short_last_word_matches_whole_words(make_candidate, found):
    make_candidate(firstName="Jo", lastName="Short", email=None)
    make_candidate(firstName="John", lastName="Longer", email=None)

    assert found("jo") == [("candidate", "Jo Short")]


def test_search_three_letters_match_as_prefix(make_candidate, found):
    make_candidate(firstName="John", lastName="Longer", email=None)

    assert found("joh") == [("candidate", "John Longer")]
