"""A minute of steady signing through gunicorn loses nothing and counts everyone once.

The load is paced at SOAK_LOAD (70%) of the capacity measured on this machine
just before, as a busy but healthy site runs; SOAK_SECONDS sets the length.
"""

import json
import os
import time

import pytest

from signatures.counting import count_for, recount
from signatures.models import Signature
from tests.reliability.load import Load
from tests.support.live import gunicorn

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
SOAK_LOAD = 0.7
CAPACITY_SECONDS = 5


@pytest.mark.django_db(transaction=True)
def test_a_minute_at_70_percent_of_capacity_acknowledges_only_what_it_keeps(static_files, make_petition):
    # All the load comes from one address, as at a signing table: the petition's
    # per-address limits are raised (the per-email limit still runs, on Redis).
    petition = make_petition(goal=100_000, ip_burst_limit=1_000_000, ip_hourly_limit=1_000_000)
    path = petition.get_absolute_url()
    # Production's connection reuse and log format, so the soak runs what a real site runs.
    with gunicorn(env={"DB_CONN_MAX_AGE": "60", "LOG_FORMAT": "json"}) as server:
        # Capacity: as many signers as answers allow, from enough threads to
        # keep every gunicorn worker busy.
        with Load(server.url, path, threads=8, view_page=True, tag="capacity") as probe:
            time.sleep(CAPACITY_SECONDS)
        capacity = len(probe.acknowledged()) / CAPACITY_SECONDS
        assert capacity > 0 and not probe.errors, (probe.errors, server.log())

        with Load(server.url, path, threads=8, rate=SOAK_LOAD * capacity, view_page=True, tag="soak") as soak:
            time.sleep(SOAK_SECONDS)
        log = server.log()

    sent = len(soak.signed())
    print(
        f"capacity {capacity:.0f} signatures/s (page view + post); soak {sent / SOAK_SECONDS:.0f}/s "
        f"for {SOAK_SECONDS:.0f} s, {sent} signatures, statuses {dict(soak.statuses())}"
    )
    assert not soak.errors, soak.errors
    assert set(soak.statuses()) == {200, 302}, log[-5000:]

    # One JSON line per request, each with its own id, and no addresses of any kind.
    requests = [
        entry
        for line in log.splitlines()
        if line.startswith("{")
        for entry in [json.loads(line)]
        if entry["logger"] == "petitions.request"
    ]
    posts = [entry for entry in requests if entry["http"]["method"] == "POST"]
    assert len(posts) == len(probe.signed()) + len(soak.signed())
    assert len({entry["request_id"] for entry in requests}) == len(requests)
    # (gunicorn's own "Listening at" line names the server's address, not a client's.)
    assert "127.0.0.1" not in json.dumps(requests) and "@example.org" not in log

    acknowledged = soak.acknowledged() | probe.acknowledged()
    stored = set(Signature.objects.filter(petition=petition).values_list("email", flat=True))
    assert acknowledged <= stored
    # Every request was answered 302, so nothing is stored that was not acknowledged.
    assert stored == acknowledged
    assert count_for(petition) == len(acknowledged)
    assert recount(petition) == (len(acknowledged), len(acknowledged))
