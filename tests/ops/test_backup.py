"""A backup restores into a fresh database with the same signatures and the same counts."""

import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ops import backup
from signatures import services
from signatures.counting import count_for
from signatures.models import CountShard, Signature
from tests.support.factories import make_signature, make_signatures


@pytest.fixture
def scratch_database():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# pg_dump, another process, dumps only what the test has committed.
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_with_the_same_signatures_and_counts(
    make_petition, admin_user, tmp_path, scratch_database
):
    open_petition = make_petition(goal=10)
    confirming = make_petition(requires_confirmation=True)
    make_signatures(open_petition, 5)
    struck = make_signature(open_petition, email="struck@example.org")
    services.signature_strike(signature=struck, by=admin_user, reason="duplicate person")
    make_signatures(confirming, 3, confirmed=False)
    services.signature_confirm(signature=Signature.objects.filter(petition=confirming).first())

    dump_file = tmp_path / "petitions.dump"
    call_command("backup", dump_file)
    call_command("restore", dump_file, dbname=scratch_database)

    def snapshot(cursor):
        cursor.execute(
            f"SELECT petition_id, email_canonical, name, status FROM {Signature._meta.db_table} "
            "ORDER BY petition_id, email_canonical"
        )
        signatures = cursor.fetchall()
        cursor.execute(
            f"SELECT petition_id, sum(count) FROM {CountShard._meta.db_table} "
            "GROUP BY petition_id ORDER BY petition_id"
        )
        return signatures, cursor.fetchall()

    with connection.cursor() as cursor:
        original = snapshot(cursor)
    with backup.connect(settings.DATABASES["default"], scratch_database) as restored:
        copy = snapshot(restored.cursor())

    assert copy == original
    assert len(copy[0]) == 9
    assert dict(copy[1]) == {open_petition.pk: 5, confirming.pk: 1}
    assert count_for(open_petition) == 5


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_tables(tmp_path):
    dump_file = tmp_path / "petitions.dump"
    call_command("backup", dump_file)
    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore", dump_file, dbname=connection.settings_dict["NAME"])


def test_restore_refuses_an_odd_database_name(tmp_path):
    dump_file = tmp_path / "petitions.dump"
    dump_file.write_bytes(b"PGDMP")
    with pytest.raises(CommandError, match="Not a plain database name"):
        call_command("restore", dump_file, dbname="x; DROP DATABASE petitions")
