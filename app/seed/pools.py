"""Pools of realistic values drawn once from Faker, then sampled per row.

Calling Faker per row would take minutes at the large size. Sampling from pools
keeps the variety that matters for lists and search and costs microseconds.
"""

import re
from dataclasses import dataclass

from faker import Faker

from app.seed.vocabulary import AGENCY_JOB_TITLES


def slug(text):
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@dataclass
class Pools:
    first_names: list
    last_names: list
    companies: list
    job_titles: list
    locations: list
    descriptions: list
    email_domains: list


def build_pools(seed):
    fake = Faker("en_US")
    fake.seed_instance(seed)
    first_names = sorted({fake.first_name() for _ in range(4000)})
    last_names = sorted({fake.last_name() for _ in range(6000)})
    companies = sorted({fake.company() for _ in range(4000)})
    job_titles = sorted(set(AGENCY_JOB_TITLES) | {fake.job() for _ in range(3000)})
    locations = sorted({f"{fake.city()}, {fake.state_abbr()}" for _ in range(1500)})
    locations.append("Remote")
    descriptions = [
        "\n\n".join(fake.paragraph(nb_sentences=5) for _ in range(3)) for _ in range(300)
    ]
    email_domains = sorted({fake.free_email_domain() for _ in range(200)})
    return Pools(
        first_names=first_names,
        last_names=last_names,
        companies=companies,
        job_titles=job_titles,
        locations=locations,
        descriptions=descriptions,
        email_domains=email_domains,
    )
