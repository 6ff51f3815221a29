"""What one signature costs the database: the round trips the benchmark's numbers rest on."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from places.models import ZipDistrict
from signatures import services
from signatures.counting import count_for
from signatures.mail import send_signature_mail
from signatures.models import Signature, SignatureMail, SignerRequest
from signatures.tasks import process_signer_request
from tests.support.factories import form_fields
from tests.support.mailtools import store_queued_signatures
from tests.support.sqltools import recorded_sql


def sign(client, petition, signer_data, **overrides):
    return client.post(
        reverse("petition:sign", args=[petition.slug]), {**form_fields(petition), **signer_data(**overrides)}
    )


def test_it_signs_a_petition_that_counts_in_one_statement_when_limits_are_off(
    client, petition, signer_data, settings
):
    settings.RATELIMIT_ENABLE = False
    # Longer than the first request, which also builds the ZIP dictionary (about a second).
    settings.MICROCACHE_SECONDS = 60
    # One district for the ZIP (the shipped table has 78205 in three).
    ZipDistrict.objects.filter(zcta="78205").delete()
    ZipDistrict.objects.create(zcta="78205", district="TX-20")
    sign(client, petition, signer_data, email="first@example.org")  # the first request's one-off reads
    with CaptureQueriesContext(connection) as queries:
        response = sign(client, petition, signer_data, email="second@example.org")
    assert response.status_code == 302
    # The petition's row was read by the first request (once per MICROCACHE_SECONDS
    # per process): one statement stores and counts the signature.
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert queries[0]["sql"].startswith("WITH inserted AS (INSERT INTO")
    signature = Signature.objects.get(petition=petition, email="second@example.org")
    assert (signature.status, signature.city, signature.region, signature.district) == (
        Signature.Status.CONFIRMED,
        "San Antonio",
        "TX",
        "TX-20",
    )
    assert count_for(petition) == 2


def test_a_zip_in_several_districts_is_marked_split_by_the_insert(petition, signer_data):
    ZipDistrict.objects.filter(zcta="78205").delete()
    ZipDistrict.objects.bulk_create([ZipDistrict(zcta="78205", district=d) for d in ("TX-20", "TX-21")])
    signature = services.signature_create(petition=petition, **signer_data()).signature
    signature.refresh_from_db()
    assert (signature.district, signature.district_split) == ("", True)


def test_a_duplicate_inserts_nothing_and_counts_nothing(client, petition, signer_data):
    assert sign(client, petition, signer_data).status_code == 302
    assert sign(client, petition, signer_data, email="MARIA@Example.org").status_code == 302
    assert Signature.objects.filter(petition=petition).count() == 1
    assert count_for(petition) == 1


def test_a_pending_signature_writes_its_mail_and_task_in_one_transaction(
    client, make_petition, signer_data, settings
):
    settings.RATELIMIT_ENABLE = False
    petition = make_petition(requires_confirmation=True)
    # The test's own transaction never commits: each task row is there because
    # it was written inside its transaction, not left to an on-commit hook.
    assert sign(client, petition, signer_data).status_code == 302
    request = SignerRequest.objects.get(petition=petition)
    assert (
        DBTaskResult.objects.filter(
            task_path=process_signer_request.module_path, args_kwargs__args=[request.pk]
        ).count()
        == 1
    )
    services.signer_request_process(request_id=request.pk)
    mail = SignatureMail.objects.get(signature__petition=petition)
    assert (
        DBTaskResult.objects.filter(
            task_path=send_signature_mail.module_path, args_kwargs__args=[mail.pk]
        ).count()
        == 1
    )
    assert count_for(petition) == 0


def test_the_signing_statement_is_prepared_once_the_connection_has_run_it_a_few_times(
    client, petition, signer_data, settings
):
    # PostgreSQL then skips parsing and planning it (settings: prepare_threshold).
    settings.RATELIMIT_ENABLE = False
    for n in range(6):
        assert sign(client, petition, signer_data, email=f"prepared{n}@example.org").status_code == 302
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE statement LIKE '%%INSERT INTO \"signatures_signature\"%%' AND NOT from_sql"
        )
        assert cursor.fetchone()[0] == 1


def test_the_insert_names_every_column_of_a_signature():
    # The INSERT's columns are written out in services: a field added to
    # Signature without a column there would silently stay at its default.
    concrete = [field for field in Signature._meta.get_fields() if field.concrete and not field.primary_key]
    listed = [*services.INSERT_COLUMNS, *services.PLACE_COLUMNS]
    assert sorted(listed) == sorted(field.column for field in concrete)
    assert sorted(listed) == sorted(field.attname for field in concrete)
    assert len(set(listed)) == len(listed)
    assert Signature._meta.pk.column == "id"  # what the INSERT returns


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"country": "CA", "postal_code": "k1a 0b1", "public": True, "opt_in": True, "comment": "¡Sí!"},
        {"flagged": True, "fill_seconds": 2, "source": "wa", "language": "es", "ip_hash": "ab" * 32},
    ],
)
def test_the_insert_sends_what_djangos_own_field_preparation_would(petition, signer_data, overrides):
    # _insert prepares each value as Django's INSERT does, without pre_save
    # (created_at is the attempt's time): pre_save must change nothing else.
    sent = []

    def keep(execute, sql, params, many, context):
        sent.append(list(params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        result = services.signature_create(petition=petition, **{**signer_data(), **overrides})
    fields = [Signature._meta.get_field(name) for name in services.INSERT_COLUMNS]
    prepared = [
        field.get_db_prep_save(field.pre_save(result.signature, add=False), connection) for field in fields
    ]
    assert sent[0][: len(fields)] == prepared
    stored = Signature.objects.get(pk=result.signature.pk)
    made = result.signature
    assert [getattr(stored, field.attname) for field in fields] == [
        getattr(made, field.attname) for field in fields
    ]


def test_a_queued_attempt_keeps_plain_values_that_sign_as_given(make_petition, signer_data):
    petition = make_petition(requires_confirmation=True)
    choices = {**signer_data(country="CA", postal_code="k1a 0b1"), "public": True, "fill_seconds": 12}
    services.signature_submit(petition=petition, **choices)
    attempt = SignerRequest.objects.get(petition=petition).attempt
    assert attempt["country"] == "CA" and attempt["postal_code"] == "K1A 0B1"
    assert (attempt["public"], attempt["fill_seconds"], attempt["flagged"]) == (True, 12, False)
    store_queued_signatures()
    signature = Signature.objects.get(petition=petition)
    assert (signature.country, signature.postal_code, signature.fill_seconds) == ("CA", "K1A 0B1", 12)


# Its own transactions, as in production (a test's would add savepoints with names of their own).
@pytest.mark.django_db(transaction=True)
def test_signing_again_with_an_address_costs_what_a_new_signature_costs(client, make_petition, signer_data):
    petition = make_petition(requires_confirmation=True)

    def sign_recorded(**overrides):
        with recorded_sql() as sql:
            response = sign(Client(), petition, signer_data, **overrides)
        return response, sql

    sign(client, petition, signer_data, email="warm@example.org")  # the first request's one-off reads
    new, new_sql = sign_recorded()
    store_queued_signatures()
    assert Signature.objects.get(petition=petition, email="maria@example.org").name == "María José Pérez"
    again, again_sql = sign_recorded(name="Someone Else")
    assert new.status_code == again.status_code == 302
    assert new["Location"] == again["Location"]
    assert sorted(new.cookies) == sorted(again.cookies)
    # The same statements: the address is looked up by the worker, not here.
    assert new_sql == again_sql
    assert [statement.split(" (")[0] for statement in new_sql if statement.startswith("INSERT")] == [
        'INSERT INTO "signatures_signerrequest"',
        'INSERT INTO "django_tasks_database_dbtaskresult"',
    ]
    store_queued_signatures()
    # A pending signature takes the newest proper attempt (the owner decides).
    assert Signature.objects.get(petition=petition, email="maria@example.org").name == "Someone Else"


def test_signing_sees_a_change_to_the_petition_saved_in_this_process_at_once(client, petition, signer_data):
    assert sign(client, petition, signer_data, email="first@example.org").status_code == 302
    petition.status = petition.Status.CLOSED
    petition.save()
    response = sign(client, petition, signer_data, email="second@example.org")
    assert response.status_code == 403
    assert not Signature.objects.filter(email="second@example.org").exists()
