"""The campaign page and count.json through the proxy beside gunicorn directly (docs/deploying.md).

Run by hand, not part of `make bench`:

    .venv/bin/python bench/proxy.py

One gunicorn as `make bench` serves it (production settings, a fresh database
of its own, the first campaign), and in front of it the proxy compose.yaml runs
(ops/nginx/, HTTPS, its edge cache) on the local nginx, as tests/support/nginx.py
installs it. wrk loads each URL directly and through the proxy in turns
(PROXY_BENCH_ROUNDS slices of PROXY_BENCH_SECONDS each), so that load from
elsewhere on the machine falls on both alike. Without a signature the count
never changes, so the page is the same; through the proxy a storm reaches
gunicorn once per page per s-maxage (CAMPAIGN_PAGE_MAX_AGE, COUNT_MAX_AGE).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.run import CONNECTIONS, WRK_THREADS, Gunicorn, bench_environment, find_wrk, load  # noqa: E402

ROUNDS = int(os.environ.get("PROXY_BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("PROXY_BENCH_SECONDS", "5"))
ENDPOINTS = ["campaign page", "campaign page ?cb=", "count.json"]


def main():
    from tests.support import nginx
    from tests.support.live import free_port

    wrk = find_wrk()
    # Behind the proxy as in compose.yaml; direct requests stay plain HTTP.
    env = bench_environment() | {"TRUSTED_PROXIES": "1"}
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from petition.models import Petition

    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    call_command("collectstatic", interactive=False, verbosity=0)
    petition = Petition.objects.featured()

    with Gunicorn(env) as server, tempfile.TemporaryDirectory(prefix="proxy-bench-") as folder:
        root = Path(folder)
        http_port, https_port = free_port(), free_port()
        conf = nginx.install(
            root,
            upstream=server.url.removeprefix("http://"),
            http=f"127.0.0.1:{http_port}",
            https=f"127.0.0.1:{https_port}",
        )
        version = subprocess.run([nginx.find_nginx(), "-v"], capture_output=True, text=True).stderr.strip()
        with nginx.running(conf, root, http_port=http_port):
            routes = {
                "gunicorn directly": server.url,
                "through the proxy (HTTPS)": f"https://127.0.0.1:{https_port}",
            }
            requests = {(name, route): 0 for name in ENDPOINTS for route in routes}
            seconds = dict.fromkeys(requests, 0.0)
            for name in ENDPOINTS:
                for url in routes.values():
                    load(wrk, url, name, petition, seconds=2)  # warm-up
            for _ in range(ROUNDS):
                for name in ENDPOINTS:
                    for route, url in routes.items():
                        result = load(wrk, url, name, petition, seconds=SECONDS)
                        bad = {code: n for code, n in result["statuses"].items() if code != "200"}
                        if bad or any(result["errors"].values()):
                            sys.exit(f"{name} {route}: not all 200: {result['statuses']} {result['errors']}")
                        requests[name, route] += result["requests"]
                        seconds[name, route] += result["duration_us"] / 1e6

    lines = [
        f"{os.cpu_count()} CPUs, {version}, wrk {WRK_THREADS} threads and {CONNECTIONS} connections, "
        f"{ROUNDS} × {SECONDS} s per figure in turns, gunicorn config/gunicorn.py (production settings)",
        "",
        "| endpoint | " + " | ".join(routes) + " | proxy / direct |",
        "| --- | " + " | ".join("---:" for _ in routes) + " | ---: |",
    ]
    for name in ENDPOINTS:
        rates = [requests[name, route] / seconds[name, route] for route in routes]
        lines.append(
            f"| {name} | "
            + " | ".join(f"{rate:,.0f} req/s" for rate in rates)
            + f" | {rates[1] / rates[0]:.1f}× |"
        )
    text = "\n".join(lines)
    print("\n" + text)
    (BASE_DIR / ".data" / "bench-proxy.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
