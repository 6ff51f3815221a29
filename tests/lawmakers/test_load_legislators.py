"""manage.py load_legislators: the public YAML in, one transaction; a bad or cut-short file changes nothing."""

import datetime
import io
import json
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from lawmakers import services, sources
from lawmakers.models import CallTally, Legislator, LegislatorData, Office

# Fixtures made from the shipped snapshot, written back in the source's own
# layout: a test must not read the shared data folder.
SNAPSHOT_MEMBERS = json.loads(sources.SNAPSHOT.read_text())["members"]


def as_source(members):
    """The snapshot's members as legislators-current.yaml and legislators-district-offices.yaml entries."""
    current, offices = [], []
    for m in members:
        term = {"type": m["chamber"], "start": "2025-01-03", "end": m["term_end"], "state": m["state"]}
        term["party"] = m["party"]
        if m["chamber"] == "rep":
            term["district"] = m["district"]
        else:
            term["class"] = m["senate_class"]
        term |= {"phone": m["phone"], "url": m["website"]} | (
            {"contact_form": m["contact_form"]} if m["contact_form"] else {}
        )
        current.append(
            {"id": {"bioguide": m["bioguide"]}, "name": {"official_full": m["name"]}, "terms": [term]}
        )
        offices.append(
            {
                "id": {"bioguide": m["bioguide"]},
                "offices": [{"id": "x", **o} for o in m["offices"]],
            }
        )
    return current, offices


def write(tmp_path, current, offices=None):
    members_file = tmp_path / "legislators-current.yaml"
    members_file.write_text(yaml.safe_dump(current, allow_unicode=True), encoding="utf-8")
    args = [str(members_file)]
    if offices is not None:
        offices_file = tmp_path / "legislators-district-offices.yaml"
        offices_file.write_text(yaml.safe_dump(offices, allow_unicode=True), encoding="utf-8")
        args += ["--offices", str(offices_file)]
    return args


def test_a_fresh_database_has_the_shipped_members(congress):
    assert Legislator.objects.filter(chamber="sen").count() == 100
    assert Legislator.objects.get(bioguide="S000033").name == "Bernard Sanders"
    assert LegislatorData.objects.current().taken_on == datetime.date(2026, 6, 15)
    assert Office.objects.filter(legislator_id="S000033").exists()


def test_it_replaces_every_member_and_keeps_the_tallies(congress, petition, tmp_path, capsys):
    services.tally_record(petition=petition, bioguide="S000033", action="called")
    current, offices = as_source(SNAPSHOT_MEMBERS)
    current[0]["name"]["official_full"] = "Renamed Member"
    call_command("load_legislators", *write(tmp_path, current, offices), "--taken-on", "2026-07-01")
    assert Legislator.objects.count() == len(SNAPSHOT_MEMBERS)
    assert Legislator.objects.get(bioguide=current[0]["id"]["bioguide"]).name == "Renamed Member"
    assert Office.objects.count() == sum(len(m["offices"]) for m in SNAPSHOT_MEMBERS)
    assert LegislatorData.objects.current().taken_on == datetime.date(2026, 7, 1)
    assert CallTally.objects.get().called == 1
    assert f"Loaded {len(SNAPSHOT_MEMBERS)} members of Congress (100 Senators" in capsys.readouterr().out


def test_the_snapshot_is_what_the_command_reads(congress, tmp_path):
    current, offices = as_source(SNAPSHOT_MEMBERS)
    members = sources.read_legislators(_stream(current), _stream(offices))
    path = tmp_path / "legislators.json"
    sources.write_snapshot(members, taken_on=datetime.date(2026, 6, 15), path=path)
    assert sources.read_snapshot(path)[0] == SNAPSHOT_MEMBERS


def _stream(data):
    return io.StringIO(yaml.safe_dump(data, allow_unicode=True))


def without_senators(current):
    return [e for e in current if e["terms"][-1]["type"] != "sen"]


def one_senator_less(current):
    return [e for e in current if e["id"]["bioguide"] != "S000033"]


def senator(current):
    return next(e for e in current if e["id"]["bioguide"] == "S000033")


def four_senators_less(current):
    """One seat fewer in each of four states: more than the Senate ever has vacant."""
    gone = []
    for state in ["VT", "TX", "NY", "CA"]:
        gone.append(
            next(e for e in current if e["terms"][-1]["type"] == "sen" and e["terms"][-1]["state"] == state)
        )
    return [e for e in current if e not in gone]


def test_a_vacant_senate_seat_loads_and_is_named(congress, tmp_path, capsys):
    current, _ = as_source(SNAPSHOT_MEMBERS)
    call_command("load_legislators", *write(tmp_path, one_senator_less(current)))
    assert Legislator.objects.count() == len(SNAPSHOT_MEMBERS) - 1
    assert "Vacant Senate seats in this data: VT (1)." in capsys.readouterr().out


def lacking_state(current):
    del current[3]["terms"][-1]["state"]
    return current


def bad_end(current):
    current[5]["terms"][-1]["end"] = "soon"
    return current


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c[:200], "this file lacks \\d+ .* Is the file cut short"),  # cut short
        (without_senators, "names no Senator"),
        (four_senators_less, "lacks 4 \\(CA: 1, NY: 1, TX: 1, VT: 1\\)"),
        (
            lambda c: [*c, {**senator(c), "id": {"bioguide": "X000001"}}],
            "A state has two Senators; .*VT \\(3\\)",
        ),
        (lacking_state, "lacks terms\\[-1\\].state"),
        (bad_end, "the term's end is not a date: 'soon'"),
        (lambda c: [], "names no member"),
        (lambda c: {"not": "a list"}, "not a list of members"),
        (lambda c: [*c, c[0]], "Members listed twice"),
    ],
)
def test_a_bad_or_truncated_file_is_refused_and_changes_nothing(congress, tmp_path, change, message):
    before = list(Legislator.objects.order_by("pk").values_list("pk", "name"))
    current, _ = as_source(SNAPSHOT_MEMBERS)
    with pytest.raises(CommandError, match=message):
        call_command("load_legislators", *write(tmp_path, change(current)))
    assert list(Legislator.objects.order_by("pk").values_list("pk", "name")) == before
    assert LegislatorData.objects.count() == 1


def test_a_yaml_file_cut_mid_entry_is_refused(congress, tmp_path):
    current, _ = as_source(SNAPSHOT_MEMBERS)
    path = Path(write(tmp_path, current)[0])
    path.write_text(path.read_text()[:-40_000] + '  - type: "se', encoding="utf-8")
    with pytest.raises(CommandError, match="not valid YAML|cut short|lacks"):
        call_command("load_legislators", str(path))
    assert Legislator.objects.count() == len(SNAPSHOT_MEMBERS)


def test_a_missing_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nope.yaml"):
        call_command("load_legislators", str(tmp_path / "nope.yaml"))
