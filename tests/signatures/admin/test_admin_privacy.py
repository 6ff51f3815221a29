"""Signers' email addresses, ZIP codes and private comments in admin: only with their own
permission, and every look at them recorded."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from signatures import services
from signatures.models import (
    Signature,
    SignatureExport,
    SignatureMail,
    SignerDetailsView,
)
from tests.support.factories import make_signature, make_staff

CHANGELIST = reverse("admin:signatures_signature_changelist")
EMAIL, ZIP, PRIVATE = "maria.private@example.org", "78205", "call me at home, not at work"
PUBLIC = "for my children"


@pytest.fixture
def signed(petition):
    """One signer with a private comment, one with a public one (shown on the campaign page)."""
    private = make_signature(petition, name="María Private", email=EMAIL, postal_code=ZIP, comment=PRIVATE)
    public = make_signature(petition, name="Ben Public", email="ben@example.org", comment=PUBLIC, public=True)
    return private, public


@pytest.fixture
def viewer(db, client):
    user = make_staff("viewer", "view_signature", "view_petition", "view_signaturemail")
    client.force_login(user)
    return user


@pytest.fixture
def reader(db, client):
    user = make_staff("reader", "view_signature", "view_petition", "view_signer_details")
    client.force_login(user)
    return user


def change_url(signature):
    return reverse("admin:signatures_signature_change", args=[signature.pk])


def assert_private(page: str):
    for secret in (EMAIL, "maria.private", ZIP, PRIVATE):
        assert secret not in page


def test_staff_who_may_only_view_signatures_never_see_email_zip_or_private_comment(client, viewer, signed):
    private, public = signed
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert "María Private" in listing.content.decode()
    assert_private(listing.content.decode())
    page = client.get(change_url(private))
    assert page.status_code == 200
    assert "María Private" in page.content.decode()
    assert_private(page.content.decode())
    # A public comment is on the campaign page already.
    assert PUBLIC in client.get(change_url(public)).content.decode()


def test_a_comment_an_organizer_hid_is_private_again(client, viewer, signed):
    _, public = signed
    services.comments_set_hidden(signatures=Signature.objects.filter(pk=public.pk), hidden=True)
    assert PUBLIC not in client.get(change_url(public)).content.decode()


@pytest.mark.parametrize("term", ["MARIA.PRIVATE@Example.org", "782"])
def test_without_the_permission_an_email_or_zip_search_finds_nothing(client, viewer, signed, term):
    response = client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert_private(response.content.decode())


def test_without_the_permission_a_name_search_still_works(client, viewer, signed):
    response = client.get(CHANGELIST, {"q": "privat"})
    assert [s.name for s in response.context["cl"].result_list] == ["María Private"]


@pytest.mark.parametrize(
    "lookup",
    [
        {"email_canonical": EMAIL},
        {"email": EMAIL},
        {"email__icontains": "maria"},
        {"postal_code__startswith": "782"},
        {"comment__icontains": "home"},
    ],
)
def test_without_the_permission_the_list_cannot_be_filtered_by_personal_fields(
    client, viewer, signed, lookup
):
    response = client.get(CHANGELIST, lookup)
    assert response.status_code == 400  # the lookup is refused, matching rows or not
    assert "María Private" not in response.content.decode()


def test_the_mail_log_neither_searches_by_address_nor_shows_errors_naming_it(client, viewer, signed):
    private, _ = signed
    mail = SignatureMail.objects.create(
        signature=private, kind="confirm", cause="signed", last_error=f"550 <{EMAIL}>: no such user"
    )
    mails = reverse("admin:signatures_signaturemail_changelist")
    # The search box is not there, and a term in the URL changes nothing.
    searched = client.get(mails, {"q": EMAIL}).context["cl"]
    assert not searched.search_fields
    assert list(searched.result_list) == list(
        client.get(mails, {"q": "x@example.net"}).context["cl"].result_list
    )
    assert client.get(mails, {"signature__email_canonical": EMAIL}).status_code == 400
    assert client.get(mails, {"last_error__icontains": "maria"}).status_code == 400
    page = client.get(reverse("admin:signatures_signaturemail_change", args=[mail.pk]))
    assert page.status_code == 200
    assert_private(page.content.decode())


def test_views_without_the_permission_are_not_recorded(client, viewer, signed):
    client.get(change_url(signed[0]))
    client.get(CHANGELIST, {"q": EMAIL})
    assert not SignerDetailsView.objects.exists()


def test_with_the_permission_the_change_page_shows_them_and_the_look_is_recorded(client, reader, signed):
    private, _ = signed
    page = client.get(change_url(private)).content.decode()
    assert EMAIL in page and ZIP in page and PRIVATE in page
    client.get(change_url(private))
    views = list(SignerDetailsView.objects.order_by("pk").values("user", "username", "what", "signature_id"))
    assert (
        views
        == [{"user": reader.pk, "username": "reader", "what": "change_page", "signature_id": private.pk}] * 2
    )


def test_with_the_permission_email_and_zip_searches_work_and_are_recorded_without_the_term(
    client, reader, signed
):
    found = client.get(CHANGELIST, {"q": "MARIA.PRIVATE@Example.org"}).context["cl"].result_list
    assert [s.name for s in found] == ["María Private"]
    by_zip = client.get(CHANGELIST, {"q": "782"}).context["cl"].result_list
    assert len(by_zip) == 2
    client.get(CHANGELIST, {"q": "nobody@example.org"})
    client.get(CHANGELIST, {"q": "Ben"})  # a name: nothing personal beyond the list itself
    views = SignerDetailsView.objects.order_by("pk")
    assert [(v.what, v.results, v.user, v.signature_id) for v in views] == [
        ("search", 1, reader, None),
        ("search", 2, reader, None),
        ("search", 0, reader, None),
    ]
    stored = " ".join(str(value) for value in views.values_list(flat=False))
    assert "maria" not in stored.lower() and "782" not in stored


def test_superusers_have_the_permission(db):
    assert User.objects.create_superuser("boss", password=None).has_perm("signatures.view_signer_details")


def test_the_record_is_read_only_and_only_for_those_allowed_to_read_it(client, db, signed):
    SignerDetailsView.objects.create(username="reader", what="search", results=1)
    url = reverse("admin:signatures_signerdetailsview_changelist")
    client.force_login(make_staff("reader", "view_signature", "view_signer_details"))
    assert client.get(url).status_code == 403
    auditor = make_staff("auditor", "view_signerdetailsview")
    client.force_login(auditor)
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:signatures_signerdetailsview_add")).status_code == 403
    client.force_login(User.objects.create_superuser("boss", password=None))
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:signatures_signerdetailsview_add")).status_code == 403
    row = SignerDetailsView.objects.get()
    assert client.post(reverse("admin:signatures_signerdetailsview_delete", args=[row.pk])).status_code == 403


def test_the_export_log_shows_the_lists_search_only_with_the_permission(client, db):
    export = SignatureExport.objects.create(
        actor="boss", via="admin", kind="delivery", filters={"changelist": "q=maria.private%40example.org"}
    )
    for user, shown in [
        (make_staff("auditor", "view_signatureexport"), False),
        (make_staff("reader", "view_signatureexport", "view_signer_details"), True),
    ]:
        client.force_login(user)
        listing = client.get(reverse("admin:signatures_signatureexport_changelist")).content.decode()
        page = client.get(
            reverse("admin:signatures_signatureexport_change", args=[export.pk])
        ).content.decode()
        assert ("maria.private" in listing, "maria.private" in page) == (shown, shown)
    assert (
        client.get(
            reverse("admin:signatures_signatureexport_changelist"), {"filters__icontains": "maria"}
        ).status_code
        == 200
    )
    client.force_login(User.objects.get(username="auditor"))
    assert (
        client.get(
            reverse("admin:signatures_signatureexport_changelist"), {"filters__icontains": "maria"}
        ).status_code
        == 400
    )
