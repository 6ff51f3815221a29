"""Updates on the campaign page and on their own pages: newest first, in the reader's language, shared-cacheable."""

from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import translation

from updates import services

PUBLIC = "public, max-age=0, s-maxage=2, must-revalidate"


def publish(make_update, petition, **fields):
    return services.update_publish(update=make_update(petition, **fields), email=False)


def assert_shared_cacheable(response):
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_published_updates_show_newest_first_and_drafts_do_not(make_petition, make_update):
    petition = make_petition()
    publish(make_update, petition, title="First news", body="One.")
    publish(make_update, petition, title="Second news", body="Two.")
    make_update(petition, title="Draft news", body="Not yet.")

    response = Client().get(petition.get_absolute_url())

    assert_shared_cacheable(response)
    page = response.content.decode()
    assert page.index("Second news") < page.index("First news")
    assert "Draft news" not in page


def test_publishing_changes_the_page_and_its_etag(make_petition, make_update):
    petition = make_petition()
    before = Client().get(petition.get_absolute_url())
    publish(make_update, petition, title="Hearing on Thursday")
    # As a new process (or the next window) does, read the facts again.
    caches["pages"].clear()
    after = Client().get(petition.get_absolute_url())
    assert "Hearing on Thursday" in after.content.decode()
    assert before["ETag"] != after["ETag"]
    assert_shared_cacheable(after)


def test_the_update_is_shown_in_the_readers_language(make_petition, make_update):
    petition = make_petition()
    update = publish(
        make_update,
        petition,
        title="We delivered",
        body="Thank you.",
        title_es="Entregamos",
        body_es="Gracias.",
    )
    english = Client().get(petition.get_absolute_url()).content.decode()
    with translation.override("es"):
        spanish_url = petition.get_absolute_url()
        own_spanish = reverse("petition:update", args=[petition.slug, update.pk])
    spanish = Client().get(spanish_url).content.decode()
    assert "We delivered" in english and "Entregamos" not in english
    assert "Entregamos" in spanish and "Gracias." in spanish and "We delivered" not in spanish
    assert ">Novedades</h2>" in spanish and ">Updates</h2>" in english
    own = Client().get(own_spanish)
    assert_shared_cacheable(own)
    assert "Entregamos" in own.content.decode()


def test_each_update_has_its_own_page_and_a_draft_has_none(make_petition, make_update):
    petition = make_petition()
    update = publish(make_update, petition, title="We delivered")
    draft = make_update(petition, title="Draft")
    response = Client().get(update.get_absolute_url())
    assert_shared_cacheable(response)
    assert "We delivered" in response.content.decode()
    assert Client().get(reverse("petition:update", args=[petition.slug, draft.pk])).status_code == 404
    other = make_petition()
    assert Client().get(reverse("petition:update", args=[other.slug, update.pk])).status_code == 404


def test_the_page_shows_the_newest_three_and_links_to_all(make_petition, make_update):
    petition = make_petition()
    for n in range(4):
        publish(make_update, petition, title=f"News {n}")
    page = Client().get(petition.get_absolute_url()).content.decode()
    assert "News 0" not in page and "News 3" in page
    listing = Client().get(reverse("petition:updates", args=[petition.slug]))
    assert_shared_cacheable(listing)
    assert all(f"News {n}" in listing.content.decode() for n in range(4))


def test_markdown_cannot_put_script_on_the_page(make_petition, make_update):
    petition = make_petition()
    publish(make_update, petition, body="Hi <script>alert(1)</script> [x](javascript:alert(1))")
    page = Client().get(petition.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "javascript:" not in page


def test_no_private_data_of_signers_reaches_the_page(make_petition, make_update, supporter):
    petition = make_petition()
    supporter(petition, "ana@example.org", postal_code="78205")
    services.update_publish(update=make_update(petition), email=True)
    page = Client().get(petition.get_absolute_url()).content.decode()
    assert "ana@example.org" not in page and "78205" not in page
