"""Withdrawing a signature from the email link, or by asking for a link by email."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from signatures.counting import count_for
from signatures.models import Signature, SignatureMail, SignerRequest
from tests.support.factories import sign
from tests.support.mailtools import link, press_confirm, run_worker
from tests.support.sqltools import assert_answers_alike, post_from_a_fresh_browser

# run_worker sees only committed rows (its docstring says why); the test that does not run
# it is marked plain django_db.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def petition(make_petition):
    return make_petition(requires_confirmation=True, title="Save the river")


def sign_and_confirm(client, petition, **fields):
    """Sign in this browser, then confirm from the email the worker sends, as its owner does."""
    sign(client, petition, **fields)
    run_worker()
    press_confirm(client, link(mail.outbox[-1], "confirm"))


def test_withdrawing_from_the_email_removes_the_signature_its_data_and_its_count(client, petition):
    sign_and_confirm(client, petition)
    sign_and_confirm(Client(), petition, email="other@example.org", name="Other Person")
    assert count_for(petition) == 2
    withdraw = link(mail.outbox[0], "withdraw")

    page = client.get(withdraw)
    assert page.status_code == 200
    assert "Remove my signature" in page.content.decode()
    assert Signature.objects.count() == 2  # a GET changes nothing

    response = client.post(withdraw)
    assert response["Location"] == reverse("signatures:withdrawn", args=[petition.slug])
    assert "Your signature has been removed" in client.get(response["Location"]).content.decode()
    assert count_for(petition) == 1
    assert not Signature.objects.filter(email_canonical="maria@example.org").exists()
    assert not Signature.objects.filter(name="María José Pérez").exists()
    assert SignatureMail.objects.count() == 1  # only the other signer's
    call_command("recount", petition.slug, "--check", stdout=open("/dev/null", "w"))

    # The link again: the signature is gone, and the page says so.
    again = client.post(withdraw)
    assert again.status_code == 404
    assert count_for(petition) == 1


def test_a_pending_signature_can_be_withdrawn_without_touching_the_count(client, petition):
    sign(client, petition)
    run_worker()
    client.post(link(mail.outbox[0], "withdraw"))
    assert Signature.objects.count() == 0
    assert count_for(petition) == 0


def test_a_withdrawal_link_stops_mail_that_was_not_sent_yet(client, petition):
    sign(client, petition)
    run_worker()
    # A repeat, queued.
    sign(client, petition)
    client.post(link(mail.outbox[0], "withdraw"))
    run_worker()
    assert len(mail.outbox) == 1


def test_after_withdrawing_the_person_can_sign_again(client, petition):
    sign_and_confirm(client, petition)
    client.post(link(mail.outbox[0], "withdraw"))
    sign_and_confirm(client, petition)
    assert count_for(petition) == 1


def test_a_tampered_withdrawal_link_changes_nothing(client, petition):
    sign_and_confirm(client, petition)
    withdraw = link(mail.outbox[0], "withdraw")
    bad = withdraw[:-2] + ("A" if withdraw[-2] != "A" else "B") + "/"
    response = client.post(bad)
    assert response.status_code == 404
    assert "Nothing was changed." in response.content.decode()
    assert count_for(petition) == 1


def test_asking_for_a_withdrawal_link_emails_it_to_a_signer(client, petition):
    sign_and_confirm(client, petition)
    form = client.get(reverse("signatures:withdraw_request", args=[petition.slug]))
    assert form.status_code == 200 and 'name="email"' in form.content.decode()

    response = client.post(
        reverse("signatures:withdraw_request", args=[petition.slug]), {"email": "MARIA@example.org"}
    )
    assert response["Location"] == reverse("signatures:withdraw_requested", args=[petition.slug])
    run_worker()
    message = mail.outbox[-1]
    assert message.subject == "Remove your signature: Save the river"
    assert message.to == ["maria@example.org"]
    client.post(link(message, "withdraw"))
    assert count_for(petition) == 0
    assert Signature.objects.count() == 0


def test_asking_for_an_address_that_never_signed_looks_the_same_and_sends_nothing(client, petition):
    sign_and_confirm(client, petition)
    sent = len(mail.outbox)
    url = reverse("signatures:withdraw_request", args=[petition.slug])
    signed = client.post(url, {"email": "maria@example.org"})
    stranger = client.post(url, {"email": "nobody@example.org"})
    assert signed["Location"] == stranger["Location"]
    assert client.get(signed["Location"]).content == client.get(stranger["Location"]).content
    run_worker()
    assert len(mail.outbox) == sent + 1


def test_withdrawal_links_on_request_are_capped_per_day(client, petition):
    sign_and_confirm(client, petition)
    sent = len(mail.outbox)
    for _ in range(5):
        client.post(
            reverse("signatures:withdraw_request", args=[petition.slug]), {"email": "maria@example.org"}
        )
    run_worker()
    assert len(mail.outbox) == sent + 3


@pytest.mark.django_db
def test_a_bad_address_on_the_request_page_shows_an_error(client, petition):
    response = client.post(reverse("signatures:withdraw_request", args=[petition.slug]), {"email": "x" * 300})
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()


def ask_for_a_link(petition, email):
    return post_from_a_fresh_browser(
        reverse("signatures:withdraw_request", args=[petition.slug]), {"email": email}
    )


def test_asking_for_a_link_answers_alike_and_runs_the_same_sql_whether_or_not_the_address_signed(
    client, petition
):
    not_signed = ask_for_a_link(petition, "maria@example.org")
    run_worker()
    assert mail.outbox == []
    sign_and_confirm(client, petition)
    sent = len(mail.outbox)
    assert_answers_alike(ask_for_a_link(petition, "maria@example.org"), not_signed)

    run_worker()
    assert [m.subject for m in mail.outbox[sent:]] == ["Remove your signature: Save the river"]
    assert not SignerRequest.objects.exists()
