"""Honeypot and form timer: bots see the normal next page; their signatures are flagged, never counted."""

import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from signatures.abuse.bot_trap import form_started_token, seconds_since_started
from signatures.abuse.signals import ip_hash, user_agent_family
from signatures.counting import count_for
from signatures.models import Signature
from tests.support.factories import sign
from tests.support.mailtools import (
    link,
    press_confirm,
    run_worker,
    store_queued_signatures,
)


@pytest.mark.parametrize(
    "trap",
    [
        {"website": "http://spam.example"},
        {"started": "now"},  # sent back at once
        {"started": ""},
        {"started": "1700000000:forged-signature"},
    ],
    ids=["honeypot", "too-fast", "no-timestamp", "forged-timestamp"],
)
def test_a_bot_sees_the_normal_next_page_and_is_flagged_not_counted(petition, trap):
    if trap.get("started") == "now":
        trap = {"started": form_started_token(petition, time.time())}
    response = sign(Client(), petition, **trap)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/petitions/{petition.slug}/thanks/")
    signature = Signature.objects.get(petition=petition)
    assert signature.status == Signature.Status.FLAGGED
    assert count_for(petition) == 0


def test_a_token_from_another_petition_is_flagged(make_petition):
    one, other = make_petition(), make_petition()
    started = form_started_token(one, time.time() - 60)
    response = sign(Client(), other, started=started)
    assert response.status_code == 302
    assert Signature.objects.get(petition=other).status == Signature.Status.FLAGGED
    assert count_for(other) == 0


def test_a_form_left_open_too_long_asks_again_with_a_fresh_token_and_stores_nothing(
    petition, signer_data, settings
):
    settings.SIGN_FORM_MAX_SECONDS = 2 * 3600
    stale = form_started_token(petition, time.time() - 2 * 3600 - 5)
    response = sign(Client(), petition, started=stale)
    assert response.status_code == 400
    assert "This form was open a long time. Please check your details and sign again." in (
        response.content.decode()
    )
    assert not Signature.objects.exists()
    fresh = response.context["form"]["started"].value()
    assert fresh != stale
    assert 0 <= seconds_since_started(fresh, petition) < 5
    # What the person typed is still there to check and send again.
    assert response.context["form"]["name"].value() == signer_data()["name"]
    again = sign(Client(), petition, started=form_started_token(petition, time.time() - 60))
    assert again.status_code == 302
    assert Signature.objects.get().status == Signature.Status.CONFIRMED


def test_a_form_shown_a_minute_ago_is_pending_as_before(make_petition):
    petition = make_petition(requires_confirmation=True)
    assert sign(Client(), petition).status_code == 302
    store_queued_signatures()
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_a_form_left_open_too_long_is_asked_again_in_spanish(petition):
    stale = form_started_token(petition, time.time() - 3 * 24 * 3600)
    with translation.override("es"):
        response = sign(Client(), petition, started=stale)
    assert response.status_code == 400
    assert "Este formulario estuvo abierto mucho tiempo." in response.content.decode()
    assert not Signature.objects.exists()


def test_a_person_who_takes_their_time_is_counted_with_the_fill_time_kept(petition):
    started = form_started_token(petition, time.time() - 45)
    sign(Client(), petition, started=started)
    signature = Signature.objects.get(petition=petition)
    assert signature.status == Signature.Status.CONFIRMED
    assert 45 <= signature.fill_seconds < 60
    assert count_for(petition) == 1


def test_the_form_carries_a_timestamp_and_an_empty_honeypot_hidden_from_people(client, petition):
    html = client.get(petition.get_absolute_url()).content.decode()
    assert 'type="hidden" name="started" value="' in html
    assert '<div class="hp" aria-hidden="true"><label for="id_website">Leave this field empty</label>' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html and 'autocomplete="off"' in html


def test_signals_are_kept_as_hashes_and_families_never_the_raw_address(petition, settings):
    settings.IP_HASH_KEY = "k" * 40
    browser = Client(
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
    )
    sign(browser, petition, email="someone@mailinator.com")
    signature = Signature.objects.get(petition=petition)
    assert signature.ip_hash == ip_hash("203.0.113.77")
    assert len(signature.ip_hash) == 64 and "203.0.113" not in signature.ip_hash
    assert signature.user_agent_family == "Chrome"
    assert signature.email_domain == "mailinator.com"
    assert signature.email_disposable is True
    values = " ".join(str(v) for v in Signature.objects.values().get().values())
    assert "203.0.113.77" not in values


def test_the_ip_hash_depends_on_the_key(settings):
    settings.IP_HASH_KEY = "one"
    first = ip_hash("203.0.113.77")
    settings.IP_HASH_KEY = "two"
    assert ip_hash("203.0.113.77") != first


def test_an_ordinary_domain_is_not_marked_disposable(petition):
    sign(Client(), petition, email="ana@gmail.com")
    assert Signature.objects.get().email_disposable is False


@pytest.mark.parametrize(
    "agent, family",
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605 Version/17.0 Mobile Safari/604.1",
            "Safari",
        ),
        ("Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36 Edg/120.0", "Edge"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox"),
        ("python-requests/2.32", "Python"),
        ("curl/8.5.0", "curl"),
        ("", "None"),
        ("Mozilla/5.0 (compatible; Googlebot/2.1)", "Bot"),
    ],
)
def test_user_agent_families(agent, family):
    assert user_agent_family(agent) == family


# run_worker sees only committed rows (its docstring says why), here and below.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("requires_confirmation", [True, False])
def test_a_flagged_signature_planted_with_an_address_does_not_block_its_owner(
    make_petition, requires_confirmation
):
    petition = make_petition(requires_confirmation=requires_confirmation)
    sign(Client(), petition, website="http://spam.example", name="Bot Planted", comment="Spam")
    run_worker()
    assert Signature.objects.get().status == Signature.Status.FLAGGED
    assert mail.outbox == []

    owner = Client()
    sign(owner, petition, name="Maria Owner")
    run_worker()
    signature = Signature.objects.get()
    assert (signature.name, signature.comment) == ("Maria Owner", "")
    assert signature.fill_seconds in (60, 61)  # the owner's form, shown a minute before (a second may tick)
    if requires_confirmation:
        (message,) = mail.outbox
        assert message.to == ["maria@example.org"]
        assert signature.status == Signature.Status.PENDING
        assert count_for(petition) == 0
        press_confirm(owner, link(message, "confirm"))
    else:
        assert mail.outbox == []
    assert Signature.objects.get().status == Signature.Status.CONFIRMED
    assert count_for(petition) == 1
    call_command("recount", petition.slug, "--check", stdout=open("/dev/null", "w"))


@pytest.mark.django_db(transaction=True)
def test_signing_again_and_tripping_the_trap_changes_nothing(make_petition):
    petition = make_petition(requires_confirmation=True)
    sign(Client(), petition, name="Maria Owner")
    sign(Client(), petition, website="http://spam.example", name="Bot", public="on")
    run_worker()
    signature = Signature.objects.get()
    assert (signature.name, signature.public, signature.status) == (
        "Maria Owner",
        False,
        Signature.Status.PENDING,
    )
