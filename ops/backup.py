"""Dump and restore the database with PostgreSQL's own tools, in their custom format.

The tools must be at least as new as the server: the embedded server is
PostgreSQL 18, which the system's older pg_dump refuses to dump. So the
pg_dump and pg_restore shipped with the embedded server's package are used
(a newer pg_dump reads any older server too), unless PG_BIN names a folder.
The site's image carries neither: compose's backup service dumps with the
postgres image's own (ops/postgres/nightly-backup).
Connection details go to the tools through libpq's environment variables,
never on the command line, where other users of the machine could read a
password in the process list.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from config import embedded_db

# A database name, not a connection string: pg_restore reads a --dbname with
# "=" or "://" in it as one, which could point it at another server.
DATABASE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}")


def pg_tool(name: str) -> str:
    if settings.PG_BIN:
        return str(Path(settings.PG_BIN) / name)
    bundled = embedded_db.tools_dir()
    if bundled and (bundled / name).exists():
        return str(bundled / name)
    found = shutil.which(name)
    if found is None:
        raise CommandError(f"{name} not found: set PG_BIN to the folder of PostgreSQL's client tools.")
    return found


# libpq's connection parameters and the environment variables that set them.
LIBPQ_ENVIRONMENT = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def libpq_params(database: dict, name: str | None = None) -> dict[str, str]:
    """Connection parameters for database `name` on the server of `database` (a DATABASES entry)."""
    options = database.get("OPTIONS", {})
    params = {
        # A URL's ?host=&port= query (a socket folder) lands in OPTIONS.
        "host": database.get("HOST") or options.get("host"),
        "port": database.get("PORT") or options.get("port"),
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "dbname": name or database["NAME"],
        "sslmode": options.get("sslmode"),
        "connect_timeout": options.get("connect_timeout"),
    }
    return {key: str(value) for key, value in params.items() if value}


def libpq_environment(database: dict, name: str | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in LIBPQ_ENVIRONMENT.values()}
    env.update({LIBPQ_ENVIRONMENT[key]: value for key, value in libpq_params(database, name).items()})
    return env


def connect(database: dict, name: str):
    import psycopg

    return psycopg.connect(autocommit=True, **libpq_params(database, name))


def dump(path: Path, *, database: dict) -> None:
    """A consistent snapshot of the whole database, taken while the site keeps running."""
    _run(
        [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"],
        env=libpq_environment(database),
    )


def restore(path: Path, *, database: dict, name: str) -> None:
    """Restore a dump into the empty database `name` on the same server, all or nothing."""
    _run(
        [
            pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={name}",
            str(path),
        ],
        env=libpq_environment(database, name),
    )


def _run(command: list[str], *, env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed:\n{result.stderr.strip()}")
