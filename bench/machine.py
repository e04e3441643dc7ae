"""The machine line of the benchmark reports, with a probe of the CPU's speed.

On a virtual machine the same code runs faster or slower from one hour to the
next: on the 2-core machine these reports were made on, the raw SQL floor of
one list moved by a fifth between two runs of the same code. The probe times a
pure-Python loop before and after the measurements; compare two reports only
where their probes agree.
"""

import os
import platform
import statistics
import time

PROBE_RUNS = 30


def speed_probe_ms():
    """Return the median CPU milliseconds of ``sum(range(10**6))`` over PROBE_RUNS runs."""
    times = []
    for _ in range(PROBE_RUNS):
        started = time.process_time()
        sum(range(10**6))
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def machine_busy_seconds():
    """Return the seconds that all cores together have spent busy since boot (Linux only).

    Busy is user, nice, system, irq and softirq time. Steal time ran another
    machine's work, and guest time is already part of user time.
    """
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq = (
            int(value) for value in stat.readline().split()[1:8]
        )
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def machine_line(database, sharing, probes):
    """Return the report's machine line; ``probes`` are speed_probe_ms() before and after."""
    before, after = probes
    return (
        f"- Machine: {os.cpu_count()} cores, {platform.machine()}, Python"
        f" {platform.python_version()}, {database.server_version}; {sharing}."
        f" Speed probe (`sum(range(10**6))`, median of {PROBE_RUNS}): {before:.1f} ms"
        f" before the run, {after:.1f} ms after."
    )
