"""Allowed values of the enumerated columns, in their meaningful order.

The database enforces each set with a CHECK constraint and the API schemas with a
OneOf validator; both read them from here.
"""

USER_ROLES = ("admin", "recruiter", "viewer")

JOB_STATUSES = ("draft", "open", "on_hold", "closed", "filled")
# Jobs that accept new applications.
JOB_STATUSES_ACCEPTING = ("draft", "open", "on_hold")

EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "temporary", "internship")

CANDIDATE_SOURCES = (
    "linkedin",
    "referral",
    "job_board",
    "company_website",
    "agency_database",
    "event",
    "direct",
    "other",
)

# Pipeline order. `hired` and `rejected` end an application.
STAGES = ("sourced", "applied", "screening", "interview", "offer", "hired", "rejected")
ACTIVE_STAGES = ("sourced", "applied", "screening", "interview", "offer")

ACTIVITY_ACTIONS = ("created", "updated", "stage_changed", "deleted")
ACTIVITY_ENTITY_TYPES = ("client", "job", "candidate", "job_candidate", "user")
