"""Channel names and the channels each activity goes to."""

import uuid

import pytest

from app.realtime.channels import ChannelError, channel_names_for, parse_channel

JOB_ID = uuid.uuid4()
CANDIDATE_ID = uuid.uuid4()


def activity(entity_type, job_id=None, candidate_id=None):
    return {"entity_type": entity_type, "job_id": job_id, "candidate_id": candidate_id}


@pytest.mark.parametrize("name", ["pipeline", "dashboard", "activity"])
def test_parse_channel_accepts_global_names(name):
    assert parse_channel(name).name == name


def test_parse_channel_spells_ids_canonically():
    channel = parse_channel(f"job:{str(JOB_ID).upper()}")

    assert channel.name == f"job:{JOB_ID}"
    assert channel.entity_id == JOB_ID


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "invalid_channel"),
        (None, "invalid_channel"),
        ("x" * 101, "invalid_channel"),
        ("jobs", "unknown_channel"),
        ("client:" + str(JOB_ID), "unknown_channel"),
        ("job:", "invalid_channel"),
        ("job:not-a-uuid", "invalid_channel"),
    ],
)
def test_parse_channel_rejects_bad_names(name, code):
    with pytest.raises(ChannelError) as raised:
        parse_channel(name)

    assert raised.value.code == code


def test_application_activity_reaches_its_job_and_candidate():
    names = channel_names_for(activity("job_candidate", JOB_ID, CANDIDATE_ID))

    assert sorted(names) == sorted(
        ["pipeline", "dashboard", "activity", f"job:{JOB_ID}", f"candidate:{CANDIDATE_ID}"]
    )


def test_job_activity_skips_the_pipeline():
    names = channel_names_for(activity("job", JOB_ID))

    assert sorted(names) == sorted(["dashboard", "activity", f"job:{JOB_ID}"])


def test_user_activity_reaches_only_feeds():
    names = channel_names_for(activity("user"))

    assert sorted(names) == ["activity", "dashboard"]
