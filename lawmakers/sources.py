"""The members of Congress from their public source, and the trimmed snapshot the project ships.

The source is the `unitedstates/congress-legislators` project's
legislators-current.yaml (one entry per member; the current term is the last
of `terms`) and legislators-district-offices.yaml (keyed by the same Bioguide
ID). Only what the site shows is kept: the snapshot (data/legislators.json)
holds exactly the records read_legislators returns, so the migration that
loads it and `manage.py load_legislators` store the same thing.
"""

import datetime
import json
from collections import Counter
from pathlib import Path
from typing import IO

import yaml

from places.states import STATES

SNAPSHOT = Path(__file__).resolve().parent / "data" / "legislators.json"
SOURCE = "unitedstates/congress-legislators"
SNAPSHOT_FORMAT = 1


def _load_yaml(stream: IO[str], what: str):
    try:
        return yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise ValueError(f"{what} is not valid YAML ({error.__class__.__name__}: cut short?)") from None


def _office(office: dict) -> dict:
    street = ", ".join(str(office[k]) for k in ("building", "address", "suite") if office.get(k))
    return {
        "city": str(office.get("city", ""))[:100],
        "address": street[:300],
        "phone": str(office.get("phone", ""))[:30],
    }


def _member(entry, number: int, offices: dict) -> dict:
    where = f"Entry {number}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where} is not a member (a mapping with id, name and terms).")
    bioguide = str((entry.get("id") or {}).get("bioguide") or "")
    if bioguide:
        where = f"Entry {number} ({bioguide})"
    name = entry.get("name") or {}
    full = name.get("official_full") or " ".join(str(name[k]) for k in ("first", "last") if name.get(k))
    terms = entry.get("terms") or []
    term = terms[-1] if isinstance(terms, list) and terms and isinstance(terms[-1], dict) else {}
    kind = term.get("type")
    required = ["type", "state", "end", "party", "district" if kind == "rep" else "class"]
    missing = [key for key in required if term.get(key) in (None, "")]
    if not bioguide or not full or missing or kind not in ("rep", "sen"):
        lacking = ([] if bioguide else ["id.bioguide"]) + ([] if full else ["name"])
        lacking += [f"terms[-1].{key}" for key in missing]
        raise ValueError(f"{where} lacks {', '.join(lacking) or 'a term of type rep or sen'}.")
    try:
        end = datetime.date.fromisoformat(str(term["end"]))
    except ValueError:
        raise ValueError(f"{where}: the term's end is not a date: {term['end']!r}") from None
    seat = term.get("district") if kind == "rep" else term.get("class")
    if not isinstance(seat, int) or seat < 0:
        raise ValueError(f"{where}: the district or class is not a number: {seat!r}")
    return {
        "bioguide": bioguide[:10],
        "name": str(full)[:200],
        "party": str(term["party"])[:50],
        "state": str(term["state"]).upper()[:2],
        "chamber": kind,
        "district": seat if kind == "rep" else None,
        "senate_class": seat if kind == "sen" else None,
        "term_end": end.isoformat(),
        "phone": str(term.get("phone", ""))[:30],
        "contact_form": str(term.get("contact_form", "")),
        "website": str(term.get("url", "")),
        "offices": [_office(o) for o in offices.get(bioguide, []) if isinstance(o, dict) and o.get("city")],
    }


def check_complete(members: list[dict]) -> None:
    """Refuse a list that cannot be the whole Congress: it was cut short or is another file."""
    if not members:
        raise ValueError("The file names no member of Congress.")
    twice = [b for b, n in Counter(m["bioguide"] for m in members).items() if n > 1]
    if twice:
        raise ValueError(f"Members listed twice: {', '.join(twice[:10])}.")
    senators = Counter(m["state"] for m in members if m["chamber"] == "sen")
    if not senators:
        raise ValueError("The file names no Senator: is it the list of current members?")
    too_many = [f"{s.code} ({senators[s.code]})" for s in STATES if senators[s.code] > 2]
    if too_many:
        raise ValueError(f"A state has two Senators; in this file: {', '.join(too_many)}.")
    # A seat can be vacant for weeks (a death or a resignation until the
    # appointment), and the data must still load then; a file cut short or
    # another file misses many more seats than the Senate ever has empty.
    short = senate_vacancies(members)
    if sum(short.values()) > MAX_SENATE_VACANCIES:
        listed = [f"{code}: {n}" for code, n in short.items()]
        raise ValueError(
            f"Every state has two Senators; this file lacks {sum(short.values())} "
            f"({', '.join(listed[:10])}{', …' if len(listed) > 10 else ''}), more than the "
            f"{MAX_SENATE_VACANCIES} vacant seats the Senate ever has at once. Is the file cut short?"
        )


# More Senate seats vacant at once than has happened in decades.
MAX_SENATE_VACANCIES = 3


def senate_vacancies(members: list[dict]) -> dict[str, int]:
    """The states that lack a Senator in this list, with how many seats each lacks."""
    senators = Counter(m["state"] for m in members if m["chamber"] == "sen")
    return {s.code: 2 - senators[s.code] for s in STATES if not s.delegate_only and senators[s.code] < 2}


def read_legislators(members: IO[str], offices: IO[str] | None = None) -> list[dict]:
    """The members from legislators-current.yaml (and their offices), checked; ValueError says what is wrong."""
    by_member: dict[str, list] = {}
    if offices is not None:
        listed = _load_yaml(offices, "The offices file")
        if not isinstance(listed, list):
            raise ValueError("The offices file is not a list of members with offices.")
        for entry in listed:
            if isinstance(entry, dict) and (entry.get("id") or {}).get("bioguide"):
                by_member[str(entry["id"]["bioguide"])] = entry.get("offices") or []
    listed = _load_yaml(members, "The members file")
    if not isinstance(listed, list):
        raise ValueError("The members file is not a list of members of Congress.")
    result = [_member(entry, number, by_member) for number, entry in enumerate(listed, start=1)]
    check_complete(result)
    return result


def write_snapshot(members: list[dict], *, taken_on: datetime.date, path: Path = SNAPSHOT) -> None:
    document = {"format": SNAPSHOT_FORMAT, "source": SOURCE, "taken_on": taken_on.isoformat()}
    document["members"] = members
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def read_snapshot(path: Path = SNAPSHOT) -> tuple[list[dict], datetime.date, str]:
    """The members, the date they were taken and their source, from a snapshot file."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("format") != SNAPSHOT_FORMAT:
        raise ValueError(f"{path.name} is not a members snapshot of format {SNAPSHOT_FORMAT}.")
    members = document["members"]
    check_complete(members)
    return members, datetime.date.fromisoformat(document["taken_on"]), document["source"]
