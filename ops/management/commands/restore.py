from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ops import backup


class Command(BaseCommand):
    help = (
        "Restore a dump made by `backup` into an empty database on the configured server. "
        "It never writes over a database that has tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dbname",
            help="Database to restore into, created if missing (default: the configured one, "
            "which must be empty). Restoring beside the live database checks a backup "
            "without touching it.",
        )

    def handle(self, *, file, dbname, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        database = settings.DATABASES["default"]
        name = dbname or database["NAME"]
        if not backup.DATABASE_NAME.fullmatch(name):
            raise CommandError(f"Not a plain database name: {name!r}")
        if not self._exists(name):
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        elif self._has_tables(database, name):
            raise CommandError(f"Database {name} already has tables; restore into a new or empty database.")
        backup.restore(file, database=database, name=name)
        self.stdout.write(f"Restored {file} into {name}. Check it with: manage.py recount --check")

    def _exists(self, name):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None

    def _has_tables(self, database, name):
        with backup.connect(database, name) as target:
            return target.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public')"
            ).fetchone()[0]
