"""Simulated pipeline history of one application, like a real agency's funnel.

Each stage has a chance to move forward, to end in rejection, or to stall, and a
mean time spent before that happens. Stages never move past the present time, so
recent applications are still in early stages while old ones have ended.
"""

import math

DAY_S = 86400.0

# stage: (probability of moving forward, probability of rejection, mean days in stage)
FUNNEL = {
    "sourced": (0.55, 0.30, 3.0),
    "applied": (0.45, 0.45, 4.0),
    "screening": (0.45, 0.45, 6.0),
    "interview": (0.35, 0.55, 8.0),
    "offer": (0.80, 0.15, 5.0),
}
NEXT_STAGE = {
    "sourced": "applied",
    "applied": "screening",
    "screening": "interview",
    "interview": "offer",
    "offer": "hired",
}


def simulate(rng, created_at, now):
    """Return the stage transitions of an application created at ``created_at``.

    The result is a list of ``(time, from_stage, to_stage)``, preceded by the
    initial stage as ``(created_at, None, stage)``.
    """
    stage = "sourced" if rng.random() < 0.45 else "applied"
    events = [(created_at, None, stage)]
    time = created_at
    while stage in FUNNEL:
        forward, reject, mean_days = FUNNEL[stage]
        # Exponential wait, drawn inline because it runs millions of times.
        time += -math.log(1.0 - rng.random()) * mean_days * DAY_S
        if time >= now:
            break
        roll = rng.random()
        if roll < forward:
            next_stage = NEXT_STAGE[stage]
        elif roll < forward + reject:
            next_stage = "rejected"
        else:
            break
        events.append((time, stage, next_stage))
        stage = next_stage
    return events
