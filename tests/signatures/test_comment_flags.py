import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from signatures import services
from signatures.models import CommentFlag
from tests.support.factories import public_comment


@pytest.fixture(autouse=True)
def own_cache(settings):
    """A private local-memory cache: no shared Redis state from other runs, and clearing it is safe."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "comment-flags"},
    }


def flag_url(signature):
    return reverse("signatures:flag_comment", args=[signature.petition.slug, signature.pk])


def reported_url(petition, result):
    return reverse("signatures:comment_reported", args=[petition.slug]) + f"?result={result}"


def test_anyone_can_flag_a_public_comment_once_per_visitor(client, petition):
    signature = public_comment(petition)
    for _ in range(3):
        response = client.post(flag_url(signature), REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302
        assert response["Location"] == reported_url(petition, "thanks")
    client.post(flag_url(signature), REMOTE_ADDR="198.51.100.2")
    assert CommentFlag.objects.filter(signature=signature).count() == 2
    # Only a keyed hash of the visitor's address is kept.
    assert not CommentFlag.objects.filter(visitor_hash__contains="203.0.113.7").exists()


def test_the_visitor_is_thanked_on_a_private_page_of_its_own(client, petition):
    signature = public_comment(petition)
    response = client.post(flag_url(signature), follow=True)
    page = response.content.decode()
    assert "Thank you. An organizer will review this comment." in page
    assert f'href="{petition.get_absolute_url()}#signers"' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_the_outcome_page_says_only_what_the_site_wrote(client, petition):
    assert client.get(reported_url(petition, "<script>forged</script>")).status_code == 404
    assert client.get(reverse("signatures:comment_reported", args=[petition.slug])).status_code == 404


def test_another_visitor_never_sees_a_reporters_thanks(client, petition):
    signature = public_comment(petition)
    client.post(flag_url(signature), HTTP_SEC_FETCH_SITE="same-origin", follow=True)
    page = Client().get(petition.get_absolute_url()).content.decode()
    assert "Thank you. An organizer will review" not in page


def test_a_visitor_served_a_cached_page_can_report_without_a_token(petition):
    signature = public_comment(petition)
    Client().get(petition.get_absolute_url())  # someone else's visit fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(petition.get_absolute_url()).content.decode()
    assert flag_url(signature) in page and "csrfmiddlewaretoken" not in page
    response = visitor.post(flag_url(signature), HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 302
    assert response["Location"] == reported_url(petition, "thanks")
    assert CommentFlag.objects.filter(signature=signature).count() == 1


def test_a_report_posted_from_another_site_is_refused(petition):
    signature = public_comment(petition)
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post(flag_url(signature), HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert not CommentFlag.objects.exists()


def test_private_or_uncounted_signatures_cannot_be_flagged(client, make_petition, signer_data):
    petition = make_petition()
    private = services.signature_create(
        petition=petition, **signer_data(comment="hi"), public=False
    ).signature
    assert client.post(flag_url(private)).status_code == 404
    pending_petition = make_petition(requires_confirmation=True)
    pending = public_comment(pending_petition, confirmed=False)
    assert client.post(flag_url(pending)).status_code == 404
    no_comment = services.signature_create(
        petition=petition, **signer_data(email="b@example.org"), public=True
    ).signature
    page = client.post(flag_url(no_comment), follow=True).content.decode()
    assert "Only a public comment can be flagged." in page
    assert not CommentFlag.objects.exists()


def test_a_visitor_who_sends_too_many_reports_is_asked_to_wait(client, petition):
    signatures = [public_comment(petition, email=f"s{n}@example.org") for n in range(31)]
    for signature in signatures[:30]:
        client.post(flag_url(signature), REMOTE_ADDR="203.0.113.9")
    page = client.post(flag_url(signatures[30]), REMOTE_ADDR="203.0.113.9", follow=True).content.decode()
    assert "You have sent many reports. Please try again later." in page
    assert CommentFlag.objects.count() == 30


def test_flagging_needs_a_post(client, petition):
    signature = public_comment(petition)
    assert client.get(flag_url(signature)).status_code == 405
    assert not CommentFlag.objects.exists()


def test_an_organizer_hides_flagged_comments_from_the_admin(client, petition):
    flagged = public_comment(petition)
    quiet = public_comment(petition, email="quiet@example.org")
    client.post(flag_url(flagged))
    admin = User.objects.create_superuser("organizer", "o@example.org", "a-long-enough-password")
    client.force_login(admin)
    changelist = reverse("admin:signatures_signature_changelist")

    listed = client.get(changelist + "?comment_moderation=flagged").context["cl"].result_list
    assert list(listed) == [flagged]

    response = client.post(
        changelist, {"action": "hide_comments", ACTION_CHECKBOX_NAME: [flagged.pk]}, follow=True
    )
    assert "1 comment hidden." in response.content.decode()
    flagged.refresh_from_db(), quiet.refresh_from_db()
    assert (flagged.comment_hidden, quiet.comment_hidden) == (True, False)
    # Both said the same; only the comment that was not hidden is still shown.
    assert client.get(petition.get_absolute_url()).content.decode().count("Keep families together") == 1
