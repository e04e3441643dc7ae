"""The list endpoints' queries written out in SQL, for the raw floor measurement.

Each function returns the ``(sql, params)`` pairs one request of the endpoint sends
for its page, in the shape the services produce: the same joins, LATERAL counts
and keyset condition, 51 rows for a page of 50. The token lookup that every API
request also makes is left out, so the floor is the page itself.
"""

ACTIVE = "('sourced', 'applied', 'screening', 'interview', 'offer')"


def _keyset(alias, after):
    if after is None:
        return "TRUE", ()
    return f"({alias}.created_at, {alias}.id) < (%s, %s)", after


def jobs(limit, after=None):
    condition, params = _keyset("j", after)
    sql = f"""
        SELECT j.*, c.*, u.*, counts.candidate_count, counts.active_count
        FROM jobs j
        JOIN LATERAL (
            SELECT count(*) AS candidate_count,
                   count(*) FILTER (WHERE stage IN {ACTIVE}) AS active_count
            FROM job_candidates WHERE job_id = j.id
        ) counts ON TRUE
        JOIN clients c ON c.id = j.client_id
        JOIN users u ON u.id = j.owner_id
        WHERE {condition}
        ORDER BY j.created_at DESC, j.id DESC
        LIMIT {limit + 1}
    """
    return [(sql, params)]


def clients(limit, after=None):
    condition, params = _keyset("c", after)
    sql = f"""
        SELECT c.*, counts.job_count, counts.open_job_count
        FROM clients c
        JOIN LATERAL (
            SELECT count(*) AS job_count, count(*) FILTER (WHERE status = 'open') AS open_job_count
            FROM jobs WHERE client_id = c.id
        ) counts ON TRUE
        WHERE {condition}
        ORDER BY c.created_at DESC, c.id DESC
        LIMIT {limit + 1}
    """
    return [(sql, params)]


def candidates(limit, after=None):
    condition, params = _keyset("c", after)
    sql = f"""
        SELECT c.* FROM candidates c WHERE {condition}
        ORDER BY c.created_at DESC, c.id DESC LIMIT {limit + 1}
    """
    return [(sql, params)]


def applications(limit, after=None):
    condition, params = _keyset("jc", after)
    page = f"""
        SELECT jc.*, c.* FROM job_candidates jc JOIN candidates c ON c.id = jc.candidate_id
        WHERE {condition} ORDER BY jc.created_at DESC, jc.id DESC LIMIT {limit + 1}
    """
    jobs_of_page = f"""
        SELECT * FROM jobs WHERE id IN (
            SELECT job_id FROM job_candidates jc WHERE {condition}
            ORDER BY jc.created_at DESC, jc.id DESC LIMIT {limit + 1})
    """
    return [(page, params), (jobs_of_page, params)]


def pipeline(job_id, limit, after=None):
    condition, params = _keyset("jc", after)
    page = f"""
        SELECT jc.*, c.* FROM job_candidates jc JOIN candidates c ON c.id = jc.candidate_id
        WHERE jc.job_id = %s AND {condition}
        ORDER BY jc.created_at DESC, jc.id DESC LIMIT {limit + 1}
    """
    return [(page, (job_id, *params)), ("SELECT * FROM jobs WHERE id IN (%s)", (job_id,))]
