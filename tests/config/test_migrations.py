import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

APPS = ("petition", "places", "signatures")


def migrations_of(app):
    # No connection: the files on disk, whatever a database has applied.
    loader = MigrationLoader(None)
    return {name: migration for (label, name), migration in loader.disk_migrations.items() if label == app}


@pytest.mark.parametrize("app", APPS)
def test_each_app_has_one_initial_migration_and_a_straight_history(app):
    migrations = migrations_of(app)
    initial = [name for name, migration in migrations.items() if migration.initial]
    assert len(initial) == 1 and initial[0].startswith("0001_"), initial
    for name, migration in migrations.items():
        parents = [dependency for dependency in migration.dependencies if dependency[0] == app]
        assert len(parents) == (0 if migration.initial else 1), name
    assert len(MigrationLoader(None).graph.leaf_nodes(app)) == 1


@pytest.mark.parametrize("app", APPS)
def test_migrations_are_named_by_what_they_do(app):
    for name in migrations_of(app):
        assert not re.search(r"issue|merge", name), name


def test_the_migrations_describe_the_models(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
