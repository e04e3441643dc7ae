"""Rows of a realistic agency, two years deep, as COPY text lines.

The generator keeps what later tables need (ids and creation times), so the
tables must be produced in order: users, clients, jobs, candidates, applications,
then activities. Activities are collected along the way and written last, sorted
by time, so that activity ids grow with time as they do for live writes.
"""

import bisect
import functools
import json
import random

from app.seed.copy import array_value, text_value, timestamp_value
from app.seed.history import DAY_S, simulate
from app.seed.pools import build_pools, slug
from app.seed.vocabulary import INDUSTRIES, REJECTION_REASONS, SENIORITY, SKILLS
from app.services.candidates import skill_keys

HISTORY_DAYS = 730
# Weighted choices, as (value, weight).
EMPLOYMENT_TYPE_WEIGHTS = (
    ("full_time", 75),
    ("contract", 15),
    ("part_time", 5),
    ("temporary", 4),
    ("internship", 1),
)
SOURCE_WEIGHTS = (
    ("linkedin", 35),
    ("job_board", 20),
    ("referral", 12),
    ("agency_database", 15),
    ("company_website", 8),
    ("event", 3),
    ("direct", 5),
    ("other", 2),
)


@functools.cache
def payload_json(**fields):
    """Return compact JSON text for a payload; cached because few distinct payloads exist."""
    return json.dumps(fields, separators=(",", ":"))


def _weighted(pairs):
    values = [value for value, _ in pairs]
    weights = [weight for _, weight in pairs]
    return values, weights


class SeedGenerator:
    def __init__(self, size, *, seed, now):
        self.size = size
        self.rng = random.Random(seed)
        self.pools = build_pools(seed)
        self.now = now
        self.start = now - HISTORY_DAYS * DAY_S
        # (time, line tail without id and time) for every activity, sorted at the end.
        self.activities = []

        self.recruiter_ids = []
        self.client_ids, self.client_times = [], []
        self.job_ids, self.job_client_ids, self.job_owner_ids = [], [], []
        self.job_times, self.job_statuses = [], []
        self.candidate_ids, self.candidate_times = [], []

    def _uuid(self):
        # A version 4 UUID from the seeded generator, so a seed reproduces its ids.
        bits = self.rng.getrandbits(128)
        bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)
        bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)
        hex_digits = f"{bits:032x}"
        return (
            f"{hex_digits[:8]}-{hex_digits[8:12]}-{hex_digits[12:16]}-"
            f"{hex_digits[16:20]}-{hex_digits[20:]}"
        )

    def _activity(
        self,
        time,
        actor_id,
        action,
        entity_type,
        entity_id,
        *,
        job_id=None,
        candidate_id=None,
        client_id=None,
        payload="{}",
    ):
        """Collect an activity; ``payload`` is JSON text."""
        tail = "\t".join(
            (
                actor_id,
                action,
                entity_type,
                entity_id,
                job_id or r"\N",
                candidate_id or r"\N",
                client_id or r"\N",
                payload,
            )
        )
        self.activities.append((time, tail))

    def _sorted_times(self, count, start, end, skew=1.0):
        return sorted(start + (self.rng.random() ** skew) * (end - start) for _ in range(count))

    # Users ----------------------------------------------------------------

    USER_COLUMNS = ("id", "email", "name", "password_hash", "role", "created_at", "updated_at")

    def users(self):
        created = timestamp_value(self.start - 30 * DAY_S)
        for index in range(self.size.recruiters):
            first = self.rng.choice(self.pools.first_names)
            last = self.rng.choice(self.pools.last_names)
            user_id = self._uuid()
            self.recruiter_ids.append(user_id)
            email = f"{slug(first)}.{slug(last)}.{index}@agency.example"
            # "!" matches no password: seeded recruiters cannot log in until given one.
            name = text_value(f"{first} {last}")
            yield f"{user_id}\t{email}\t{name}\t!\trecruiter\t{created}\t{created}\n"

    # Clients --------------------------------------------------------------

    CLIENT_COLUMNS = ("id", "name", "industry", "website", "notes", "created_at", "updated_at")

    def clients(self):
        # Most clients were signed early: the agency's book grows over time.
        times = self._sorted_times(self.size.clients, self.start, self.now - 60 * DAY_S, skew=1.6)
        used_names = set()
        for time in times:
            name = self.rng.choice(self.pools.companies)
            suffix = 2
            base = name
            while name.lower() in used_names:
                name = f"{base} ({suffix})"
                suffix += 1
            used_names.add(name.lower())
            client_id = self._uuid()
            self.client_ids.append(client_id)
            self.client_times.append(time)
            website = f"https://www.{slug(name)}.example.com"
            stamp = timestamp_value(time)
            actor = self.rng.choice(self.recruiter_ids)
            self._activity(time, actor, "created", "client", client_id, client_id=client_id)
            yield (
                f"{client_id}\t{text_value(name)}\t{self.rng.choice(INDUSTRIES)}\t{website}"
                f"\t\\N\t{stamp}\t{stamp}\n"
            )

    # Jobs -----------------------------------------------------------------

    JOB_COLUMNS = (
        "id",
        "client_id",
        "title",
        "description",
        "location",
        "employment_type",
        "status",
        "openings",
        "owner_id",
        "created_at",
        "updated_at",
    )

    def _job_status(self, age_days):
        """Pick a status by age: old jobs are mostly filled or closed, new ones open."""
        roll = self.rng.random()
        if age_days > 180:
            thresholds = ((0.45, "filled"), (0.85, "closed"), (0.9, "on_hold"))
            fallback = "open"
        elif age_days > 60:
            thresholds = ((0.5, "open"), (0.7, "filled"), (0.85, "closed"))
            fallback = "on_hold"
        else:
            thresholds = ((0.8, "open"), (0.9, "draft"))
            fallback = "on_hold"
        for limit, status in thresholds:
            if roll < limit:
                return status
        return fallback

    def jobs(self):
        types, type_weights = _weighted(EMPLOYMENT_TYPE_WEIGHTS)
        times = self._sorted_times(self.size.jobs, self.start + DAY_S, self.now - 3600)
        for time in times:
            known_clients = bisect.bisect_right(self.client_times, time)
            if known_clients == 0:
                known_clients = 1
                time = self.client_times[0] + 3600
            # Older clients are the bigger accounts and get more of the jobs.
            client_index = int(known_clients * self.rng.random() ** 1.7)
            client_id = self.client_ids[client_index]
            owner_id = self.rng.choice(self.recruiter_ids)
            job_id = self._uuid()
            status = self._job_status((self.now - time) / DAY_S)
            initial_status = "draft" if status == "draft" else "open"
            updated = time
            self._activity(
                time,
                owner_id,
                "created",
                "job",
                job_id,
                job_id=job_id,
                client_id=client_id,
                payload=payload_json(status=initial_status),
            )
            if status != initial_status:
                updated = time + self.rng.uniform(20, 150) * DAY_S
                if updated >= self.now:
                    updated = time + self.rng.random() * (self.now - time)
                self._activity(
                    updated,
                    owner_id,
                    "updated",
                    "job",
                    job_id,
                    job_id=job_id,
                    client_id=client_id,
                    payload=json.dumps(
                        {"fields": ["status"], "status": {"from": initial_status, "to": status}}
                    ),
                )

            self.job_ids.append(job_id)
            self.job_client_ids.append(client_id)
            self.job_owner_ids.append(owner_id)
            self.job_times.append(time)
            self.job_statuses.append(status)

            seniority = self.rng.choice(SENIORITY)
            title = f"{seniority} {self.rng.choice(self.pools.job_titles)}".strip()
            openings = 1 if self.rng.random() < 0.8 else self.rng.randint(2, 5)
            yield (
                f"{job_id}\t{client_id}\t{text_value(title)}"
                f"\t{text_value(self.rng.choice(self.pools.descriptions))}"
                f"\t{text_value(self.rng.choice(self.pools.locations))}"
                f"\t{self.rng.choices(types, type_weights)[0]}\t{status}\t{openings}\t{owner_id}"
                f"\t{timestamp_value(time)}\t{timestamp_value(updated)}\n"
            )

    # Candidates -----------------------------------------------------------

    CANDIDATE_COLUMNS = (
        "id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "current_title",
        "current_company",
        "location",
        "skills",
        "skill_keys",
        "source",
        "notes",
        "created_at",
        "updated_at",
    )

    def candidates(self):
        sources, source_weights = _weighted(SOURCE_WEIGHTS)
        # A third of the candidates come from the agency's database on day one.
        imported = self.size.candidates // 3
        times = self._sorted_times(imported, self.start, self.start + 7 * DAY_S)
        times += self._sorted_times(
            self.size.candidates - imported, self.start + 7 * DAY_S, self.now - 3600
        )
        rng = self.rng
        pools = self.pools
        for index, time in enumerate(times):
            first = rng.choice(pools.first_names)
            last = rng.choice(pools.last_names)
            candidate_id = self._uuid()
            self.candidate_ids.append(candidate_id)
            self.candidate_times.append(time)
            email = f"{slug(first)}.{slug(last)}.{index:x}@{rng.choice(pools.email_domains)}"
            phone = f"+1 {rng.randint(201, 989)}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
            skills = rng.sample(SKILLS, rng.randint(2, 8))
            source = (
                "agency_database" if index < imported else rng.choices(sources, source_weights)[0]
            )
            actor = rng.choice(self.recruiter_ids)
            self._activity(
                time, actor, "created", "candidate", candidate_id, candidate_id=candidate_id
            )
            stamp = timestamp_value(time)
            yield (
                f"{candidate_id}\t{text_value(first)}\t{text_value(last)}\t{email}\t{phone}"
                f"\t{text_value(rng.choice(pools.job_titles))}\t{text_value(rng.choice(pools.companies))}"
                f"\t{text_value(rng.choice(pools.locations))}\t{array_value(skills)}"
                f"\t{array_value(skill_keys(skills))}\t{source}"
                f"\t\\N\t{stamp}\t{stamp}\n"
            )

    # Applications ---------------------------------------------------------

    APPLICATION_COLUMNS = (
        "id",
        "job_id",
        "candidate_id",
        "stage",
        "rejection_reason",
        "stage_changed_at",
        "created_at",
        "updated_at",
    )

    def _applications_per_job(self):
        """Spread the applications over the jobs that take them, a few jobs getting many."""
        eligible = [index for index, status in enumerate(self.job_statuses) if status != "draft"]
        cumulative = []
        total = 0.0
        for _ in eligible:
            total += self.rng.expovariate(1.0)
            cumulative.append(total)
        counts = [0] * len(self.job_ids)
        for _ in range(self.size.applications):
            position = bisect.bisect_right(cumulative, self.rng.random() * total)
            counts[eligible[min(position, len(eligible) - 1)]] += 1
        return counts

    def _pick_candidate(self, time, on_job):
        """Return the index of a candidate known at ``time`` and not yet on this job."""
        known = bisect.bisect_right(self.candidate_times, time)
        for _ in range(8):
            if known == 0:
                break
            index = self.rng.randrange(known)
            if index not in on_job:
                return index
        # Few candidates existed yet: take any free one; the caller moves the time later.
        while True:
            index = self.rng.randrange(len(self.candidate_ids))
            if index not in on_job:
                return index

    def applications(self):
        rng = self.rng
        now = self.now
        for job_index, count in enumerate(self._applications_per_job()):
            if count == 0:
                continue
            job_id = self.job_ids[job_index]
            job_time = self.job_times[job_index]
            client_id = self.job_client_ids[job_index]
            owner_id = self.job_owner_ids[job_index]
            on_job = set()
            for _ in range(count):
                # Most applications arrive in the weeks after the job opens.
                time = job_time + rng.expovariate(1.0 / (20 * DAY_S))
                if time >= now:
                    time = job_time + rng.random() * (now - job_time)
                candidate_index = self._pick_candidate(time, on_job)
                on_job.add(candidate_index)
                time = max(time, self.candidate_times[candidate_index] + 60)
                if time >= now:
                    time = now - rng.uniform(1, 600)
                yield self._application(
                    rng, time, job_id, client_id, owner_id, self.candidate_ids[candidate_index]
                )

    def _application(self, rng, time, job_id, client_id, owner_id, candidate_id):
        application_id = self._uuid()
        events = simulate(rng, time, self.now)
        stage = events[-1][2]
        changed_at = events[-1][0]
        reason = rng.choice(REJECTION_REASONS) if stage == "rejected" else None

        scope = {"job_id": job_id, "candidate_id": candidate_id, "client_id": client_id}
        self._activity(
            time,
            owner_id,
            "created",
            "job_candidate",
            application_id,
            payload=payload_json(stage=events[0][2]),
            **scope,
        )
        for event_time, from_stage, to_stage in events[1:]:
            self._activity(
                event_time,
                owner_id,
                "stage_changed",
                "job_candidate",
                application_id,
                payload=payload_json(**{"from": from_stage, "to": to_stage}),
                **scope,
            )
        return (
            f"{application_id}\t{job_id}\t{candidate_id}\t{stage}\t{text_value(reason)}"
            f"\t{timestamp_value(changed_at)}\t{timestamp_value(time)}\t{timestamp_value(changed_at)}\n"
        )

    # Activities -----------------------------------------------------------

    ACTIVITY_COLUMNS = (
        "id",
        "created_at",
        "actor_id",
        "action",
        "entity_type",
        "entity_id",
        "job_id",
        "candidate_id",
        "client_id",
        "payload",
    )

    def activity_count(self):
        return len(self.activities)

    def activity_rows(self, first_id):
        """Yield the collected activities in time order, numbered from ``first_id``."""
        self.activities.sort(key=lambda activity: activity[0])
        for number, (time, tail) in enumerate(self.activities, start=first_id):
            yield f"{number}\t{timestamp_value(time)}\t{tail}\n"
        self.activities = []
