"""Real threads against the real database: the unique constraint, not Python, decides."""

import threading

import pytest
from django.db import connection

from signatures import services
from signatures.counting import count_for
from signatures.models import Signature

THREADS = 20


def run_at_once(target, args_list):
    barrier = threading.Barrier(len(args_list))
    errors = []

    def worker(*args):
        try:
            barrier.wait()
            target(*args)
        except Exception as error:  # reported below, with the thread's traceback lost but not its type
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_signing_the_same_address_leave_one_signature(make_petition, signer_data):
    petition = make_petition()
    results = []

    def sign(i):
        email = ["maria@example.org", "MARIA@example.org", " Maria@Example.org "][i % 3]
        results.append(services.signature_create(petition=petition, **signer_data(email=email)))

    run_at_once(sign, [(i,) for i in range(THREADS)])
    assert Signature.objects.filter(petition=petition).count() == 1
    assert count_for(petition) == 1
    assert sum(result.created for result in results) == 1
    assert len(results) == THREADS


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_with_distinct_addresses_add_exactly_twenty(make_petition, signer_data):
    petition = make_petition()

    def sign(i):
        services.signature_create(petition=petition, **signer_data(email=f"signer{i}@example.org"))

    run_at_once(sign, [(i,) for i in range(THREADS)])
    assert Signature.objects.filter(petition=petition).count() == THREADS
    assert count_for(petition) == THREADS


@pytest.mark.django_db(transaction=True)
def test_confirming_the_same_signature_at_once_counts_it_once(make_petition, signer_data):
    petition = make_petition(requires_confirmation=True)
    signature = services.signature_create(petition=petition, **signer_data()).signature

    run_at_once(lambda: services.signature_confirm(signature=signature), [()] * 10)
    assert count_for(petition) == 1
