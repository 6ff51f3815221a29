"""Run the real site under gunicorn for tests that need real HTTP.

The server is a separate process with production settings (DEBUG off,
collected static files) pointed at the test database, so it sees what a
`transaction=True` test commits and the test sees what it writes.
"""

import contextlib
import functools
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database the current test uses (pytest-django's test database)."""
    s = connection.settings_dict
    user = urllib.parse.quote(s["USER"] or "")
    password = ":" + urllib.parse.quote(s["PASSWORD"]) if s["PASSWORD"] else ""
    host = s["HOST"] or ""
    if host.startswith("/"):  # a Unix socket folder (the embedded server)
        query = "?" + urllib.parse.urlencode({"host": host})
        if s["PORT"]:
            query += f"&port={s['PORT']}"
        return f"postgresql://{user}{password}@/{s['NAME']}{query}"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgresql://{user}{password}@{host}{port}/{s['NAME']}"


@functools.cache
def static_root() -> Path:
    """This test process's own static files, served by the servers it starts.

    Test processes run side by side (pytest-xdist), and collectstatic rewrites
    the files it collects: a shared folder would change under another
    process's server while it reads it.
    """
    return Path(tempfile.mkdtemp(prefix="static-"))


@functools.cache
def collect_static() -> None:
    """collectstatic into static_root(), once per test process."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=BASE_DIR,
        check=True,
        env={**os.environ, "SECRET_KEY": "collectstatic", "STATIC_ROOT": str(static_root())},
    )


def create_cache_table() -> None:
    """The database cache's table in the test database, as bin/run makes it beside migrate.

    The test process itself may use Redis (REDIS_URL in CI), so Django's test
    database creation does not make it.
    """
    subprocess.run(
        [sys.executable, "manage.py", "createcachetable"],
        cwd=BASE_DIR,
        check=True,
        env={**os.environ, "REDIS_URL": "", "DATABASE_URL": test_database_url(), "SECRET_KEY": "cache-table"},
    )


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def gunicorn(*, workers: int = 2, env: dict | None = None, ready_path: str = "/") -> Iterator[Server]:
    """Start gunicorn on a free port; yield once it answers; stop it afterwards."""
    port = free_port()
    full_env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "live-test-secret-key",
        "DATABASE_URL": test_database_url(),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(workers),
        "DB_CONN_MAX_AGE": "0",
        "STATIC_ROOT": str(static_root()),
        # Test clients send the sign form back at once, faster than a person.
        "SIGN_MIN_SECONDS": "0",
        # Rate-limit counters of their own when REDIS_URL points at a shared,
        # long-lived Redis (servers that must share a limit pass the same one).
        "CACHE_KEY_PREFIX": f"live-test-{uuid.uuid4().hex}",
        **(env or {}),
    }
    log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [str(GUNICORN), "--config", "config/gunicorn.py", "config.wsgi"],
        cwd=BASE_DIR,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, log_path=Path(log.name))
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.log()}")
            try:
                urllib.request.urlopen(server.url + ready_path, timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers; the status is the test's business
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer in 30 s:\n{server.log()}") from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Browserless:
    """A tiny HTTP client that keeps cookies and posts forms as a browser does (CSRF included)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers or {})
        if body is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
            req.add_header("Origin", self.base_url)
            req.add_header("Referer", self.base_url + path)
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(errors="replace")

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict, **kw):
        return self.request("POST", path, data=data, **kw)

    def sign_form(self, petition_path: str) -> tuple[str, dict]:
        """GET the campaign page; return its form's action and hidden inputs as a browser sends them."""
        status, _headers, html = self.get(petition_path)
        assert status == 200, status
        action = re.search(r'<form class="sign-form" method="post" action="([^"]+)"', html).group(1)
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
        return action, hidden

    def sign(self, petition_path: str, fields: dict):
        """Sign as a browser does: the form's hidden inputs (the CSRF token, its timestamp), then the fields."""
        action, hidden = self.sign_form(petition_path)
        return self.post(action, {**hidden, **fields})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
