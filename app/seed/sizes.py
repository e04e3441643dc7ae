"""Row counts of each seed size."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SeedSize:
    recruiters: int
    clients: int
    jobs: int
    candidates: int
    applications: int


SIZES = {
    "demo": SeedSize(recruiters=5, clients=12, jobs=60, candidates=400, applications=1_500),
    "medium": SeedSize(
        recruiters=20, clients=200, jobs=5_000, candidates=50_000, applications=200_000
    ),
    "large": SeedSize(
        recruiters=60, clients=1_000, jobs=50_000, candidates=500_000, applications=2_000_000
    ),
}
