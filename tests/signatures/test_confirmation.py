"""Email confirmation driven end to end: sign, the worker sends, GET the link, POST it."""

import threading
from io import StringIO
from urllib.parse import quote

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from signatures import services
from signatures.counting import count_for
from signatures.models import Signature, SignatureMail, SignerRequest
from tests.support.factories import sign
from tests.support.mailtools import html_part, link, press_confirm, run_worker
from tests.support.sqltools import assert_answers_alike, post_from_a_fresh_browser

# run_worker sees only committed rows (its docstring says why); the tests that do not run
# it are marked plain django_db.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def petition(make_petition):
    return make_petition(requires_confirmation=True, title="Save the river")


def assert_recount_agrees(petition):
    call_command("recount", petition.slug, "--check", stdout=open("/dev/null", "w"))


def test_it_sends_mail_from_the_worker_and_confirms_only_on_post(client, petition):
    response = sign(client, petition)
    assert response["Location"] == reverse("signatures:check_email", args=[petition.slug])
    # Nothing is sent inside the request: a task waits for the worker.
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1

    run_worker()
    (message,) = mail.outbox
    assert message.to == ["maria@example.org"]
    assert message.subject == "Confirm your signature: Save the river"
    assert "The link works for 30 days." in message.body
    html = html_part(message)
    assert '<html lang="en">' in html
    confirm = link(message, "confirm")
    assert confirm in html and link(message, "withdraw") in html

    # Opening the link (as a mail scanner would) changes nothing.
    page = client.get(confirm)
    assert page.status_code == 200
    assert "Confirm my signature" in page.content.decode()
    assert client.get(confirm).status_code == 200
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert count_for(petition) == 0

    response = press_confirm(client, confirm)
    assert response["Location"] == reverse("signatures:thanks", args=[petition.slug])
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.CONFIRMED and signature.confirmed_at
    assert count_for(petition) == 1

    again = client.post(confirm)
    assert again.status_code == 200
    assert "already confirmed" in again.content.decode()
    assert "already confirmed" in client.get(confirm).content.decode()
    assert count_for(petition) == 1
    assert_recount_agrees(petition)


@pytest.mark.django_db
def test_the_check_email_page_names_the_address_the_fixes_and_the_link_lifetime(client, petition):
    response = sign(client, petition)
    html = client.get(response["Location"]).content.decode()
    assert "<strong>maria@example.org</strong>" in html
    assert "spam" in html
    assert "few minutes" in html
    assert "works for 30 days" in html
    assert "Send the email again" in html


def test_send_again_from_the_check_email_page_sends_a_new_link(client, petition):
    sign(client, petition)
    response = client.post(
        reverse("signatures:send_again", args=[petition.slug]), {"email": "maria@example.org"}
    )
    assert response["Location"] == reverse("signatures:check_email", args=[petition.slug]) + "?sent=1"
    assert "a new email is on its way" in client.get(response["Location"]).content.decode()
    run_worker()
    assert [m.subject for m in mail.outbox] == ["Confirm your signature: Save the river"] * 2


def test_send_again_for_an_address_that_never_signed_looks_the_same_and_sends_nothing(client, petition):
    response = client.post(
        reverse("signatures:send_again", args=[petition.slug]), {"email": "nobody@example.org"}
    )
    assert response["Location"] == reverse("signatures:check_email", args=[petition.slug]) + "?sent=1"
    assert "a new email is on its way" in client.get(response["Location"]).content.decode()
    run_worker()
    assert mail.outbox == []


@pytest.mark.django_db
def test_send_again_with_a_bad_address_shows_an_error(client, petition):
    response = client.post(reverse("signatures:send_again", args=[petition.slug]), {"email": "nope\x00"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()


def test_signing_again_while_pending_sends_a_fresh_confirmation(client, petition):
    first = sign(client, petition)
    second = sign(Client(), petition, email="Maria@Example.org", name="Someone")
    assert first["Location"] == second["Location"]
    run_worker()
    assert [m.subject for m in mail.outbox] == ["Confirm your signature: Save the river"] * 2
    # The address as typed the last time, and the fresh link works.
    assert mail.outbox[1].to == ["Maria@Example.org"]
    press_confirm(client, link(mail.outbox[1], "confirm"))
    assert Signature.objects.get().status == Signature.Status.CONFIRMED
    assert count_for(petition) == 1


def test_signing_again_once_confirmed_says_you_have_already_signed(client, petition):
    sign(client, petition)
    run_worker()
    press_confirm(client, link(mail.outbox[0], "confirm"))
    response = sign(Client(), petition)
    assert response["Location"] == reverse("signatures:check_email", args=[petition.slug])
    run_worker()
    message = mail.outbox[1]
    assert message.subject == "You have already signed: Save the river"
    assert "/confirm/" not in message.body
    assert link(message, "withdraw")
    assert count_for(petition) == 1
    assert_recount_agrees(petition)


def test_at_most_three_repeat_emails_per_address_per_day(client, petition):
    # The mail cap, not the signing rate limit, is under test here.
    petition.email_hourly_limit = 100
    petition.save(update_fields=["email_hourly_limit"])
    responses = [sign(Client(), petition) for _ in range(6)]
    assert len({r["Location"] for r in responses}) == 1
    client.post(reverse("signatures:send_again", args=[petition.slug]), {"email": "maria@example.org"})
    run_worker()
    # The first confirmation, then three repeats; the rest sent nothing.
    assert len(mail.outbox) == 4
    assert SignatureMail.objects.count() == 4

    # A day later the signer can be sent another one.
    SignatureMail.objects.update(
        created_at=SignatureMail.objects.get(cause="signed").created_at.replace(year=2020)
    )
    sign(Client(), petition)
    run_worker()
    assert len(mail.outbox) == 5


def test_the_cap_is_per_petition(client, make_petition, petition):
    other = make_petition(requires_confirmation=True)
    for _ in range(4):
        sign(Client(), petition)
    sign(Client(), other)
    sign(Client(), other)
    run_worker()
    assert len(mail.outbox) == 1 + 3 + 2


def test_an_expired_link_offers_a_new_one_and_changes_nothing(client, petition, monkeypatch):
    sign(client, petition)
    sent_31_days_ago = signing.b62_encode(int(signing.time.time()) - 31 * 24 * 3600)
    with monkeypatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: sent_31_days_ago)
        run_worker()
    expired = link(mail.outbox[0], "confirm")
    page = client.get(expired)
    assert page.status_code == 200
    assert "This link has expired" in page.content.decode()
    assert "Send me a new link" in page.content.decode()

    # POSTing the expired link sends a new one; it does not confirm.
    response = client.post(expired)
    assert response["Location"] == reverse("signatures:check_email", args=[petition.slug])
    assert Signature.objects.get().status == Signature.Status.PENDING
    run_worker()
    fresh = link(mail.outbox[1], "confirm")
    assert fresh != expired
    press_confirm(client, fresh)
    assert Signature.objects.get().status == Signature.Status.CONFIRMED
    assert count_for(petition) == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.split(".", 1)[0] + ".1abc.forged",
        lambda token: "not-a-token",
        lambda token: "99999999." + token.split(".", 1)[1],
    ],
    ids=["changed-signature", "forged", "garbage", "unknown-id"],
)
def test_a_tampered_or_unknown_link_gets_a_clear_page_and_changes_nothing(client, petition, mangle):
    sign(client, petition)
    run_worker()
    good = link(mail.outbox[0], "confirm")
    token = good.rstrip("/").rsplit("/", 1)[1]
    bad = reverse("signatures:confirm", args=[petition.slug, mangle(token)])
    for response in (client.get(bad), client.post(bad)):
        assert response.status_code == 404
        assert "Nothing was changed." in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert count_for(petition) == 0


def test_a_link_for_one_petition_does_not_work_on_another(client, make_petition, petition):
    other = make_petition(requires_confirmation=True)
    sign(client, petition)
    run_worker()
    token = link(mail.outbox[0], "confirm").rstrip("/").rsplit("/", 1)[1]
    response = client.post(reverse("signatures:confirm", args=[other.slug, token]))
    assert response.status_code == 404
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_a_confirm_link_cannot_withdraw(client, petition):
    sign(client, petition)
    run_worker()
    token = link(mail.outbox[0], "confirm").rstrip("/").rsplit("/", 1)[1]
    response = client.post(reverse("signatures:withdraw", args=[petition.slug, token]))
    assert response.status_code == 404
    assert Signature.objects.count() == 1


def spanish(msgid, **values):
    with translation.override("es"):
        text = translation.gettext(msgid) % values
    # A string missing from the catalogue would come back in English and prove nothing.
    assert text != msgid % values
    return text


def test_the_email_and_its_links_follow_the_signers_language(client, petition):
    petition.title_es = "Salvemos el río"
    petition.save()
    with translation.override("es"):
        response = sign(client, petition)
    assert response["Location"].startswith("/es/")
    run_worker()
    assert Signature.objects.get().language == "es"
    (message,) = mail.outbox
    assert message.subject == spanish("Confirm your signature: %(title)s", title="Salvemos el río")
    assert message.subject == "Confirma tu firma: Salvemos el río"
    for body in (message.body, html_part(message)):
        assert spanish("Hello,") in body
        assert "«Salvemos el río»" in body
        assert "Thank you for signing" not in body and "The link works" not in body
    assert spanish("Confirm my signature") in html_part(message)
    assert spanish("Didn't sign this, or changed your mind? Remove your signature:") in message.body
    assert '<html lang="es">' in html_part(message)
    confirm = link(message, "confirm")
    assert confirm.startswith(f"/es/petitions/{petition.slug}/confirm/")
    assert link(message, "withdraw").startswith("/es/")
    page = client.get(confirm)
    assert '<html lang="es">' in page.content.decode()
    assert press_confirm(client, confirm)["Location"] == f"/es/petitions/{petition.slug}/thanks/"


def test_an_english_signers_email_is_in_english(client, petition):
    petition.title_es = "Salvemos el río"
    petition.save()
    # reverse() follows the active language, which an earlier test's Spanish request leaves on.
    with translation.override("en"):
        sign(client, petition)
    run_worker()
    assert Signature.objects.get().language == "en"
    (message,) = mail.outbox
    assert message.subject == "Confirm your signature: Save the river"
    for body in (message.body, html_part(message)):
        assert "Hello," in body
        assert "Thank you for signing “Save the river”." in body
        assert "firma" not in body and "río" not in body
    assert "Confirm my signature" in html_part(message)
    assert '<html lang="en">' in html_part(message)
    assert link(message, "confirm").startswith(f"/petitions/{petition.slug}/confirm/")


def test_a_struck_signature_cannot_be_confirmed_by_its_link(client, petition, django_user_model):
    sign(client, petition)
    run_worker()
    organizer = django_user_model.objects.create(username="organizer")
    services.signature_strike(signature=Signature.objects.get(), by=organizer, reason="Fake name")
    confirm = link(mail.outbox[0], "confirm")
    assert client.post(confirm).status_code == 409
    assert Signature.objects.get().status == Signature.Status.STRUCK
    assert count_for(petition) == 0


def test_a_petition_that_needs_no_confirmation_sends_no_mail(client, make_petition):
    petition = make_petition(requires_confirmation=False)
    sign(client, petition)
    run_worker()
    assert mail.outbox == []
    assert count_for(petition) == 1


def test_the_daily_cap_holds_when_many_sign_again_at_the_same_moment(petition, signer_data):
    services.signature_create(petition=petition, **signer_data())
    barrier = threading.Barrier(10)
    errors = []

    def sign_again():
        try:
            barrier.wait()
            services.signature_create(petition=petition, **signer_data())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_again) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # The requests are answered by workers, several at once too.
    requests = list(SignerRequest.objects.values_list("pk", flat=True))
    assert len(requests) == 10
    barrier = threading.Barrier(10)

    def process(request_id):
        try:
            barrier.wait()
            services.signer_request_process(request_id=request_id)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=process, args=[request_id]) for request_id in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert SignatureMail.objects.count() == 1 + 3
    assert not SignerRequest.objects.exists()
    run_worker()
    assert len(mail.outbox) == 4


def test_a_flagged_signature_gets_its_confirmation_only_once_restored(
    client, petition, signer_data, django_user_model
):
    signature = services.signature_create(petition=petition, **signer_data(), flagged=True).signature
    run_worker()
    assert mail.outbox == []
    organizer = django_user_model.objects.create(username="organizer")
    services.signature_restore(signature=signature, by=organizer, reason="A real person")
    run_worker()
    (message,) = mail.outbox
    press_confirm(client, link(message, "confirm"))
    assert Signature.objects.get().status == Signature.Status.CONFIRMED
    assert count_for(petition) == 1


def ask_to_send_again(petition, email):
    return post_from_a_fresh_browser(reverse("signatures:send_again", args=[petition.slug]), {"email": email})


def test_send_again_answers_alike_and_runs_the_same_sql_whether_or_not_the_address_signed(client, petition):
    not_signed = ask_to_send_again(petition, "maria@example.org")
    run_worker()
    assert mail.outbox == []
    sign(client, petition)
    run_worker()
    assert_answers_alike(ask_to_send_again(petition, "maria@example.org"), not_signed)

    # The worker then sends the owner a fresh link; the stranger's request sent nothing.
    run_worker()
    assert [m.subject for m in mail.outbox] == ["Confirm your signature: Save the river"] * 2
    assert not SignerRequest.objects.exists()


def test_the_confirmation_page_shows_what_is_stored_and_refuses_a_bad_correction(client, petition):
    sign(client, petition, comment="For the river.", public="on", postal_code="10001")
    run_worker()
    confirm = link(mail.outbox[0], "confirm")
    form = client.get(confirm).context["form"]
    assert {field.name: field.value() for field in form} == {
        "name": "María José Pérez",
        "postal_code": "10001",
        "country": "US",
        "comment": "For the river.",
        "public": True,
        "opt_in": False,
    }
    page = client.get(confirm).content.decode()
    assert "Check your details: this is what will be counted" in page
    assert 'value="María José Pérez"' in page and "For the river." in page

    response = client.post(
        confirm, {"name": "", "postal_code": "78205", "country": "US", "comment": "Changed"}
    )
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert (signature.name, signature.postal_code, signature.comment, signature.public) == (
        "María José Pérez",
        "10001",
        "For the river.",
        True,
    )
    assert count_for(petition) == 0


def test_the_owner_who_signs_after_a_stranger_confirms_their_own_choices(client, petition, tmp_path):
    # A stranger signs first with the owner's address, shown publicly, with a comment and their ZIP.
    sign(
        Client(),
        petition,
        name="Stranger Danger",
        comment="Stranger's words.",
        public="on",
        postal_code="10001",
    )
    # The owner signs with their own choices: not public, no comment, their ZIP.
    sign(client, petition, name="Maria Owner", postal_code="78205", opt_in="on")
    run_worker()
    newest = link(mail.outbox[-1], "confirm")
    form = client.get(newest).context["form"]
    assert {field.name: field.value() for field in form} == {
        "name": "Maria Owner",
        "postal_code": "78205",
        "country": "US",
        "comment": "",
        "public": False,
        "opt_in": True,
    }
    assert press_confirm(client, newest)["Location"] == reverse("signatures:thanks", args=[petition.slug])

    signature = Signature.objects.get()
    assert signature.status == Signature.Status.CONFIRMED
    assert (signature.name, signature.postal_code, signature.comment, signature.public, signature.opt_in) == (
        "Maria Owner",
        "78205",
        "",
        False,
        True,
    )
    assert (signature.city, signature.region) == ("San Antonio", "TX")
    assert count_for(petition) == 1
    wall = client.get(petition.get_absolute_url()).content.decode()
    assert "Stranger" not in wall and "Maria O." not in wall
    delivery = tmp_path / "delivery.csv"
    call_command(
        "export_signatures", petition.slug, "--kind", "delivery", "--output", str(delivery), stdout=StringIO()
    )
    assert "Stranger" not in delivery.read_text()
    assert "Maria Owner" in delivery.read_text()


def test_the_owner_corrects_on_the_confirmation_page_what_a_stranger_chose_after_them(client, petition):
    sign(client, petition, name="Maria Owner", postal_code="78205")
    sign(Client(), petition, name="Stranger Danger", comment="Stranger's words.", public="on")
    run_worker()
    confirm = link(mail.outbox[0], "confirm")
    form = client.get(confirm).context["form"]
    assert form["name"].value() == "Stranger Danger" and form["public"].value() is True

    corrected = {"name": "Maria Owner", "postal_code": "10001", "country": "US", "comment": ""}
    response = client.post(confirm, corrected)
    assert response["Location"] == reverse("signatures:thanks", args=[petition.slug])
    signature = Signature.objects.get()
    assert (signature.name, signature.postal_code, signature.comment, signature.public) == (
        "Maria Owner",
        "10001",
        "",
        False,
    )
    assert (signature.city, signature.region, signature.status) == (
        "New York",
        "NY",
        Signature.Status.CONFIRMED,
    )
    assert count_for(petition) == 1
    assert_recount_agrees(petition)


@pytest.mark.parametrize("view", ["confirm", "withdraw"])
def test_a_changed_link_and_a_link_for_no_signature_get_the_same_answer(client, petition, view):
    sign(client, petition)
    run_worker()
    token = link(mail.outbox[0], view).rstrip("/").rsplit("/", 1)[1]
    existing_id, rest = token.split(".", 1)
    changed = rest[:-1] + ("A" if rest[-1] != "A" else "B")
    tampered = reverse(f"signatures:{view}", args=[petition.slug, f"{existing_id}.{changed}"])
    unknown = reverse(f"signatures:{view}", args=[petition.slug, f"99999999.{rest}"])
    for method in (client.get, client.post):
        one, other = method(tampered), method(unknown)
        assert one.status_code == other.status_code == 404
        # The same page, but for the link itself (in the language switch).
        assert one.content.decode().replace(quote(tampered, safe=""), "") == (
            other.content.decode().replace(quote(unknown, safe=""), "")
        )
    assert Signature.objects.get().status == Signature.Status.PENDING
