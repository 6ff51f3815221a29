"""The proxy compose.yaml runs (ops/nginx/), installed and run on the local nginx.

The production template as the nginx image runs it: rendered with DOMAIN, the
files compose.yaml mounts placed where it mounts them (under a root folder of
its own), a self-signed certificate for DOMAIN. Only the listening ports, the
upstream address and that root differ. Used by tests/ops/test_proxy.py and
bench/proxy.py.
"""

import contextlib
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import yaml

from tests.support.live import BASE_DIR

DOMAIN = "petition.test"
COMPOSE = yaml.safe_load((BASE_DIR / "compose.yaml").read_text())
PROXY = COMPOSE["services"]["proxy"]
# The folders of the nginx image that compose.yaml and the template use.
IMAGE_FOLDERS = ("/etc/nginx/", "/var/cache/nginx/", "/var/www/", "/docker-entrypoint.d/")
# Whatever nginx writes besides them goes under the root too.
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def find_nginx() -> str:
    # Debian puts it in /usr/sbin, not on every user's PATH.
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found is None:
        raise RuntimeError("nginx is missing: `make nginx` (as root) or `apt-get install nginx-light`.")
    return found


def swap(text: str, old: str, new: str) -> str:
    assert old in text, f"the template no longer has {old!r}"
    return text.replace(old, new)


def install(root: Path, *, upstream: str, http: str = "80", https: str = "443") -> Path:
    """The proxy's files as the container sees them, under root; the nginx.conf that includes them."""
    for mount in PROXY["volumes"]:
        source, target = mount.split(":")[:2]
        place = root / target.lstrip("/")
        if source.startswith("./") and (BASE_DIR / source).exists():
            place.parent.mkdir(parents=True, exist_ok=True)
            place.symlink_to(BASE_DIR / source)
        else:  # a named volume, or ./certs (the operator's)
            place.mkdir(parents=True, exist_ok=True)
    live = root / "etc/nginx/certs/live" / DOMAIN
    live.mkdir(parents=True)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={DOMAIN}",
            "-addext",
            f"subjectAltName=DNS:{DOMAIN},IP:127.0.0.1",
            "-keyout",
            live / "privkey.pem",
            "-out",
            live / "fullchain.pem",
        ],
        check=True,
        capture_output=True,
    )
    # The image's envsubst, with DOMAIN the only variable of the template set.
    template = root / "etc/nginx/templates/default.conf.template"
    text = template.read_text().replace("${DOMAIN}", DOMAIN)
    text = swap(text, "server web:8000;", f"server {upstream};")
    text = swap(text, "listen 80;", f"listen {http};")
    text = swap(text, "listen 443 ssl", f"listen {https} ssl")
    for folder in IMAGE_FOLDERS:
        text = re.sub(rf"(?<=\s){re.escape(folder)}", f"{root}{folder}", text)
    site = root / "etc/nginx/conf.d/default.conf"
    site.parent.mkdir(parents=True, exist_ok=True)
    site.write_text(text)
    (root / "var/cache/nginx").mkdir(parents=True, exist_ok=True)
    temp = "\n".join(f"    {name}_temp_path {root}/var/cache/nginx/{name}_temp;" for name in TEMP_PATHS)
    conf = root / "etc/nginx/nginx.conf"
    # As the image's nginx.conf: the site's file inside the http block. As root,
    # the workers keep root's rights to read this temporary tree.
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 2;\npid {root}/nginx.pid;\nevents {{ worker_connections 512; }}\n"
        + f"http {{\n{temp}\n    include {site};\n}}\n"
    )
    return conf


def certificate(root: Path) -> Path:
    return root / "etc/nginx/certs/live" / DOMAIN / "fullchain.pem"


def check(conf: Path, root: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on an installed configuration."""
    return subprocess.run(
        [find_nginx(), "-t", "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")],
        capture_output=True,
        text=True,
    )


@contextlib.contextmanager
def running(conf: Path, root: Path, *, http_port: int) -> Iterator[None]:
    """nginx on an installed configuration, until the block ends."""
    log = root / "error.log"
    process = subprocess.Popen(
        [find_nginx(), "-p", str(root), "-c", str(conf), "-e", str(log), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(http_port, process, log)
        yield
    finally:
        process.terminate()
        process.wait(timeout=15)


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/.well-known/acme-challenge/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start:\n{log.read_text()}") from None
            time.sleep(0.1)
