"""Without DATABASE_URL, manage.py and `python -m config.embedded_db` start the embedded PostgreSQL.

Settings start nothing (tests/config/test_settings.py); these are the commands
that do, each in a fresh process, on a DATA_DIR of the test's own.
"""

import os
import subprocess
import sys

import pytest

from config import embedded_db
from tests.support.live import BASE_DIR

SUPERUSERS = (
    "from django.contrib.auth import get_user_model; "
    "print(*get_user_model().objects.filter(is_superuser=True).values_list('username', flat=True))"
)


@pytest.fixture
def own_data_dir(tmp_path):
    """A DATA_DIR with no server yet; the server started in it is stopped afterwards."""
    yield tmp_path
    if (tmp_path / "pg" / "postmaster.pid").exists():
        embedded_db.server(tmp_path).stop()


def run(command, data_dir, **env):
    """Run command in the checkout as a person would: no DATABASE_URL, this DATA_DIR."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    environment |= {"DATA_DIR": str(data_dir), "REDIS_URL": "", **env}
    result = subprocess.run(
        command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_manage_py_starts_the_embedded_database_and_commands_typed_later_share_it(own_data_dir):
    (own_data_dir / "secret_key").write_text("k" * 50)  # as bin/run writes it
    manage = [sys.executable, "manage.py"]

    run([*manage, "migrate", "--no-input"], own_data_dir)
    assert (own_data_dir / "pg" / "postmaster.pid").exists()
    # The README's first organizer account, typed in another terminal while the site runs.
    run(
        [*manage, "createsuperuser", "--no-input"],
        own_data_dir,
        DJANGO_SUPERUSER_USERNAME="organizer",
        DJANGO_SUPERUSER_EMAIL="organizer@example.org",
        DJANGO_SUPERUSER_PASSWORD="a long passphrase",
    )
    assert run([*manage, "shell", "--no-imports", "-c", SUPERUSERS], own_data_dir) == "organizer"

    # bin/run and bin/test take the URL they export from here: the same database.
    url = run([sys.executable, "-m", "config.embedded_db"], own_data_dir)
    assert url.startswith("postgresql://postgres@") and url.endswith("/petitions")
    assert (
        run([*manage, "shell", "--no-imports", "-c", SUPERUSERS], own_data_dir, DATABASE_URL=url)
        == "organizer"
    )
