import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from signatures import services
from signatures.admin.lists import CappedCountPaginator
from signatures.counting import count_for
from signatures.models import Signature
from tests.support.factories import make_signatures

CHANGELIST = reverse("admin:signatures_signature_changelist")


@pytest.fixture
def boss(db, client):
    user = User.objects.create_superuser("boss", password=None)
    client.force_login(user)
    return user


def names(response) -> list[str]:
    return sorted(s.name for s in response.context["cl"].result_list)


def test_striking_from_the_list_asks_for_a_reason_then_records_it_and_lowers_the_count(
    client, boss, petition
):
    signatures = make_signatures(petition, 3)
    picked = {"action": "strike_selected", "_selected_action": [signatures[0].pk, signatures[1].pk]}

    page = client.post(CHANGELIST, picked)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert count_for(petition) == 3  # nothing happens before a reason is given

    blank = client.post(CHANGELIST, {**picked, "reason": "  "})
    assert "This field is required." in blank.content.decode()
    assert count_for(petition) == 3

    done = client.post(CHANGELIST, {**picked, "reason": "Same person twice"})
    assert done.status_code == 302
    assert count_for(petition) == 1
    struck = Signature.objects.get(pk=signatures[0].pk)
    assert struck.status == Signature.Status.STRUCK
    assert (struck.status_changed_by, struck.status_reason) == (boss, "Same person twice")
    assert struck.status_changed_at is not None
    entry = LogEntry.objects.get(object_id=str(struck.pk))
    assert entry.user == boss and "Same person twice" in entry.get_change_message()


def test_restoring_from_the_list_puts_them_back_in_the_count(client, boss, petition):
    signatures = make_signatures(petition, 2)
    for signature in signatures:
        services.signature_strike(signature=signature, by=boss, reason="Looked fake")
    assert count_for(petition) == 0
    client.post(
        CHANGELIST,
        {
            "action": "restore_selected",
            "_selected_action": [s.pk for s in signatures],
            "reason": "Checked by phone",
        },
    )
    assert count_for(petition) == 2
    restored = Signature.objects.get(pk=signatures[0].pk)
    assert (restored.status, restored.status_reason) == (Signature.Status.CONFIRMED, "Checked by phone")


def test_striking_every_matching_signature_follows_the_filters(client, boss, make_petition):
    one, two = make_petition(), make_petition()
    make_signatures(one, 3)
    make_signatures(two, 2)
    client.post(
        CHANGELIST + f"?petition__id__exact={one.pk}",
        {
            "action": "strike_selected",
            "select_across": "1",
            "_selected_action": [Signature.objects.filter(petition=one).first().pk],
            "reason": "Bot wave",
        },
    )
    assert (count_for(one), count_for(two)) == (0, 2)


def test_staff_who_may_only_look_cannot_strike(client, petition):
    signature = make_signatures(petition, 1)[0]
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_signature"))
    client.force_login(viewer)
    assert "strike_selected" not in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "strike_selected", "_selected_action": [signature.pk], "reason": "x"})
    assert count_for(petition) == 1


def test_personal_fields_cannot_be_edited(client, boss, petition):
    signature = make_signatures(petition, 1)[0]
    url = reverse("admin:signatures_signature_change", args=[signature.pk])
    page = client.get(url).content.decode()
    assert 'name="email"' not in page and 'name="name"' not in page
    assert "strike_selected" in page  # the one-signature strike button
    client.post(url, {"name": "Changed", "email": "changed@example.org"})
    signature.refresh_from_db()
    assert (signature.name, signature.email) == ("Signer 0", "s0@example.org")


def test_the_change_list_costs_the_same_queries_at_10_and_200_signatures(client, boss, petition):
    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CHANGELIST, {"petition__id__exact": petition.pk, "o": "-9"})
        assert response.status_code == 200
        return len(queries), len(response.context["cl"].result_list)

    make_signatures(petition, 10)
    small = queries_for_list()
    make_signatures(petition, 190, start=10)
    large = queries_for_list()
    assert small[1] == 10 and large[1] == 100
    assert small[0] == large[0]


def test_the_change_list_never_counts_the_whole_table(client, boss, petition):
    make_signatures(petition, 3)
    with CaptureQueriesContext(connection) as queries:
        client.get(CHANGELIST, {"status__exact": "confirmed"})
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    # One capped count of the filtered rows, no full-table count.
    assert len(counts) == 1 and "LIMIT 10001" in counts[0]


def test_past_the_cap_the_page_count_is_estimated(petition, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "CAP", 5)
    make_signatures(petition, 8)
    paginator = CappedCountPaginator(Signature.objects.filter(petition=petition), 2)
    assert paginator.count >= 6
    assert [s.name for s in paginator.page(1).object_list] == ["Signer 7", "Signer 6"]


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("Maria.Jose+news@GMAIL.com", ["María José"]),  # canonical email
        ("782", ["María José"]),  # ZIP start
        ("ben", ["Ben Ode"]),  # part of a name
        ("nobody@example.org", []),
    ],
)
def test_search_finds_signers_by_email_zip_or_name(client, boss, petition, signer_data, term, found):
    services.signature_create(
        petition=petition, **signer_data(name="María José", email="mariajose@gmail.com")
    )
    services.signature_create(
        petition=petition, **signer_data(name="Ben Ode", email="ben@example.org", postal_code="10001")
    )
    assert names(client.get(CHANGELIST, {"q": term})) == found


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"region": "NY"}, ["Ben"]),
        ({"region": "-"}, ["Chloé"]),
        ({"district": "ny-12"}, ["Ben"]),
        ({"district": "split"}, ["Ana"]),
        ({"country": "gb"}, ["Chloé"]),
        ({"source": "whatsapp"}, ["Ana"]),
        ({"language": "es"}, ["Ana"]),
        ({"public__exact": "1"}, ["Ana"]),
        ({"opt_in__exact": "1"}, ["Ben"]),
        ({"status__exact": "struck"}, ["Chloé"]),
        ({"created_at__gte": "2000-01-01 00:00+00:00", "created_at__lt": "2001-01-01 00:00+00:00"}, []),
    ],
)
def test_filters_narrow_the_list(client, boss, petition, signer_data, params, found):
    services.signature_create(
        petition=petition,
        **signer_data(name="Ana", email="a@x.org"),
        public=True,
        language="es",
        source="whatsapp",
    )
    services.signature_create(
        petition=petition, **signer_data(name="Ben", email="b@x.org", postal_code="10001"), opt_in=True
    )
    chloe = services.signature_create(
        petition=petition, **signer_data(name="Chloé", email="c@x.org", postal_code="SW1A 1AA", country="GB")
    ).signature
    services.signature_strike(signature=chloe, by=boss, reason="Test")
    # Set by hand: in the shipped ZIP table both ZIPs are split.
    Signature.objects.filter(name="Ana").update(district="", district_split=True)
    Signature.objects.filter(name="Ben").update(district="NY-12", district_split=False)
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    assert names(response) == found


def test_a_typed_filter_keeps_the_other_filters_and_the_search(client, boss, petition):
    make_signatures(petition, 1)
    page = client.get(CHANGELIST, {"region": "TX", "q": "Signer", "p": "1"}).content.decode()
    assert '<input type="hidden" name="region" value="TX">' in page
    assert '<input type="hidden" name="q" value="Signer">' in page
    assert '<input type="hidden" name="p"' not in page


def test_the_petition_page_shows_count_rate_previews_and_links(client, boss, make_petition):
    petition = make_petition(
        requires_confirmation=True, body="**Act now** <script>alert(1)</script>", body_es="¡Firma *ya*!"
    )
    signatures = make_signatures(petition, 4, confirmed=False)
    services.signature_confirm(signature=signatures[0])
    page = client.get(reverse("admin:petition_petition_change", args=[petition.pk])).content.decode()
    assert "<strong>Act now</strong>" in page and "<script>alert(1)" not in page
    assert "¡Firma <em>ya</em>!" in page
    assert "25%" in page  # 1 confirmed of 4
    assert reverse("admin:petition_petition_dashboard", args=[petition.pk]) in page
    assert f"?petition={petition.pk}" in page  # export link
    listing = client.get(reverse("admin:petition_petition_changelist")).content.decode()
    assert '<td class="field-signature_count">1</td>' in listing


def test_the_dashboard_shows_days_states_districts_sources_and_rate(
    client, boss, make_petition, signer_data, settings
):
    # Its own cache: the figures are cached by petition id, and ids repeat
    # from one test database to the next when the cache is a shared Redis.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dashboard"},
    }
    petition = make_petition(requires_confirmation=True)
    for i, (zip_code, source) in enumerate([("78205", "whatsapp"), ("78205", "whatsapp"), ("10001", "")]):
        signature = services.signature_create(
            petition=petition, **signer_data(email=f"d{i}@x.org", postal_code=zip_code), source=source
        ).signature
        services.signature_confirm(signature=signature)
    services.signature_create(petition=petition, **signer_data(email="p@x.org"))  # pending
    Signature.objects.filter(postal_code="78205").update(district="TX-20", district_split=False)
    response = client.get(reverse("admin:petition_petition_dashboard", args=[petition.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and 'class="bar-confirmed"' in page
    # No chart library: the only scripts are Django admin's own, from our static files.
    assert re.findall(r"<script[^>]*>", page) == re.findall(r'<script src="/static/admin/[^"]+"[^>]*>', page)
    assert [(r["label"], r["n"]) for r in response.context["regions"]] == [("TX", 2), ("NY", 1)]
    assert [(r["label"], r["n"]) for r in response.context["districts"]][0] == ("TX-20", 2)
    assert [(r["label"], r["n"], r["confirmed"]) for r in response.context["sources"]] == [
        ("(none: came directly)", 2, 1),
        ("whatsapp", 2, 2),
    ]
    assert response.context["confirmation_rate"] == 0.75
    assert [(bar.n, bar.confirmed) for bar in response.context["bars"]] == [(4, 3)]
    # Cached for a minute: a new signature shows up on the next refresh, not at once.
    services.signature_create(petition=petition, **signer_data(email="late@x.org"))
    again = client.get(reverse("admin:petition_petition_dashboard", args=[petition.pk]))
    assert [(bar.n, bar.confirmed) for bar in again.context["bars"]] == [(4, 3)]


def test_the_dashboard_needs_permission_to_see_petitions(client, petition):
    client.force_login(User.objects.create_user("volunteer", is_staff=True))
    assert client.get(reverse("admin:petition_petition_dashboard", args=[petition.pk])).status_code == 403
