"""The delivery packet benchmark, run by hand: `.venv/bin/python bench/delivery.py` (docs/performance.md).

Loads, with set-based SQL, a petition with DISTRICT_SIZE counted constituents
in TX-20 and one with ALL_OFFICES_SIZE signatures over the 435 House
districts (each district equally likely, so a state's share follows its
seats: California gets about 12%), with split ZIPs, signers abroad, pending
signatures, public, private and hidden comments. Then runs
`manage.py delivery_packet ... --output -` on each in a process of its own
and reports its time and peak memory, against the same command doing nothing
(`manage.py help delivery_packet`). Everything runs in a database of its own
(bench/run.py's), created afresh.
"""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.run import bench_environment, run_measured  # noqa: E402

DISTRICT_SIZE = int(os.environ.get("BENCH_DISTRICT_SIZE", "10000"))
ALL_OFFICES_SIZE = int(os.environ.get("BENCH_ALL_OFFICES_SIZE", "1000000"))
# House seats per state after the 2020 census: 435 districts.
SEATS = {
    "AL": 7, "AK": 1, "AZ": 9, "AR": 4, "CA": 52, "CO": 8, "CT": 5, "DE": 1, "FL": 28, "GA": 14,
    "HI": 2, "ID": 2, "IL": 17, "IN": 9, "IA": 4, "KS": 4, "KY": 6, "LA": 6, "ME": 2, "MD": 8,
    "MA": 9, "MI": 13, "MN": 8, "MS": 4, "MO": 8, "MT": 2, "NE": 3, "NV": 4, "NH": 2, "NJ": 12,
    "NM": 3, "NY": 26, "NC": 14, "ND": 1, "OH": 15, "OK": 5, "OR": 6, "PA": 17, "RI": 2, "SC": 7,
    "SD": 1, "TN": 9, "TX": 38, "UT": 4, "VT": 1, "VA": 11, "WA": 10, "WV": 2, "WI": 8, "WY": 1,
}  # fmt: skip

# One INSERT ... SELECT over generate_series: a million rows in well under a
# minute, with no Python per row. %(districts)s is a VALUES list of (n, code, state).
LOAD_SQL = """
WITH districts(n, code, state) AS (VALUES %(districts)s),
rows AS (
    SELECT g, d.code, d.state, g %% 100 AS pick
    FROM generate_series(1, %(size)s) AS g
    JOIN districts d ON d.n = (g::bigint * 7919) %% %(district_count)s
)
INSERT INTO signatures_signature (
    petition_id, name, email, email_canonical, postal_code, country, city, region, district,
    district_split, comment, public, comment_hidden, opt_in, language, source, status, created_at,
    confirmed_at, status_reason, ip_hash, user_agent_family, email_domain, email_disposable
)
SELECT %(petition)s,
       (ARRAY['María','José','Ana','Luis','Carmen','James','Wei','Fatima','Ñandú','Priya'])[1 + g %% 10]
           || ' ' || (ARRAY['García','Peña','Nuñez','Smith','Nguyen','Okafor','Patel','López'])[1 + (g / 10) %% 8]
           || ' ' || g,
       'bench.' || g || '@example.org', 'bench.' || g || '@example.org', '78205',
       CASE WHEN pick = 0 THEN 'MX' ELSE 'US' END,
       CASE WHEN pick = 0 THEN 'Monterrey' ELSE 'City ' || ((g / 435) %% 40) END,
       CASE WHEN pick = 0 THEN '' ELSE state END,
       CASE WHEN pick IN (0, 1, 2) THEN '' ELSE code END,
       pick IN (1, 2),
       CASE WHEN g %% 20 = 0 THEN 'Keep families together, please: fund case management. ' || g ELSE '' END,
       g %% 40 = 0, g %% 400 = 0, false, 'en', 'bench',
       CASE WHEN pick = 99 THEN 'pending' ELSE 'confirmed' END,
       now() - (g || ' seconds')::interval,
       CASE WHEN pick = 99 THEN NULL ELSE now() - (g || ' seconds')::interval END,
       '', '', '', 'example.org', false
FROM rows
"""


def load(petition, size, districts):
    from django.db import connection

    from signatures import counting

    values = ", ".join(f"({n}, '{code}', '{code[:2]}')" for n, code in enumerate(districts))
    with connection.cursor() as cursor:
        cursor.execute(
            LOAD_SQL.replace("%(districts)s", values),
            {"district_count": len(districts), "size": size, "petition": petition.pk},
        )
        cursor.execute("VACUUM ANALYZE signatures_signature")
    counting.recount(petition)


def measure(label, args, env) -> str:
    baseline = run_measured([sys.executable, "manage.py", "help", "delivery_packet"], env)
    result = run_measured([sys.executable, "manage.py", "delivery_packet", *args, "--output", "-"], env)
    if result["returncode"]:
        return f"{label}: FAILED (exit {result['returncode']})"
    growth = (result["max_rss_kb"] - baseline["max_rss_kb"]) / 1024
    return (
        f"{label}: {result['bytes'] / 1e6:.1f} MB in {result['seconds']:.1f} s "
        f"({result['seconds'] - baseline['seconds']:.1f} s after the start-up), peak memory "
        f"{result['max_rss_kb'] / 1024:.0f} MB ({growth:+.0f} MB over the command doing nothing)"
    )


def main():
    env = bench_environment()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from petition.models import Petition

    call_command("migrate", verbosity=0)
    districts = [
        f"{state}-AL" if seats == 1 else f"{state}-{n:02d}"
        for state, seats in SEATS.items()
        for n in range(1, seats + 1)
    ]
    one = Petition.objects.create(
        slug="bench-district", title="Bench: one district", body="Sign.", status="open"
    )
    load(one, DISTRICT_SIZE, ["TX-20"])
    every = Petition.objects.create(
        slug="bench-all-offices", title="Bench: every office", body="Sign.", status="open"
    )
    load(every, ALL_OFFICES_SIZE, districts)
    print(
        measure(
            f"TX-20 packet, {DISTRICT_SIZE:,} constituents", ["bench-district", "--district", "TX-20"], env
        )
    )
    print(
        measure(f"all offices, {ALL_OFFICES_SIZE:,} signatures", ["bench-all-offices", "--all-offices"], env)
    )


if __name__ == "__main__":
    main()
