"""The report files of the benchmarks, bench/results/<date>-<name>.md."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_ROOT / "bench" / "results"


def write_report(name, started, report):
    """Write ``report`` as the ``name`` report of the day ``started``, and print it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started:%Y-%m-%d}-{name}.md"
    path.write_text(report)
    print(report)
    print(f"Report written to {path.relative_to(PROJECT_ROOT)}")
