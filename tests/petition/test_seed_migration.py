from pathlib import Path

from petition.models import Petition
from tests.support.factories import SEED_SLUG, seed_first_campaign

SEED = Path(__file__).resolve().parents[2] / "petition" / "seed" / "campaign.txt"


def paragraphs():
    return [block.strip() for block in SEED.read_text(encoding="utf-8").split("\n\n") if block.strip()]


def test_the_first_campaign_is_loaded_open_and_featured(client, seeded_petition):
    petition = seeded_petition
    title, count_line, *_ = paragraphs()
    assert petition.title == title
    # The campaign text's count line is what the page says before anyone signs.
    assert count_line in client.get(petition.get_absolute_url()).content.decode()
    assert petition.goal == 10_000
    assert petition.is_open
    assert Petition.objects.featured() == petition


def test_the_petition_text_is_the_campaign_text_word_for_word(seeded_petition):
    """In order, each paragraph whole: only quote marks and the two lost links are added."""
    body = seeded_petition.body.removesuffix("\n").split("\n\n")
    _title, _count_line, *text = paragraphs()
    assert len(body) == len(text) == 9
    for seeded, paragraph in zip(body, text, strict=True):
        seeded = seeded.removeprefix("> ")
        assert seeded == paragraph or seeded.startswith(paragraph + " <https://"), paragraph


def test_the_first_campaign_migration_reads_no_file(db, monkeypatch):
    """It loads its own copy of the text: later edits of the campaign file cannot change what it loads."""

    def no_file(*args, **kwargs):
        raise AssertionError("the migration read a file")

    monkeypatch.setattr(Path, "read_text", no_file)
    monkeypatch.setattr(Path, "open", no_file)
    Petition.objects.filter(slug=SEED_SLUG).delete()
    seed_first_campaign()
    assert Petition.objects.get(slug=SEED_SLUG).body


def test_the_lost_links_are_restored(seeded_petition):
    petition = seeded_petition
    html = petition.local_body_html
    assert 'href="https://www.house.gov/representatives/find-your-representative"' in html
    assert 'href="https://www.raicestexas.org/"' in html
    assert petition.local_targets[-1] == "U.S. Immigration and Customs Enforcement"


def test_the_home_page_shows_the_campaign(client, seeded_petition):
    html = client.get("/").content.decode()
    assert "Protect Migrant Children and Families" in html
    assert "Seeking asylum is not illegal" in html
    assert "0 have signed. Let’s get to 10,000!" in html


def test_the_first_campaign_links_to_raices_and_keeps_the_usual_limits(seeded_petition):
    petition = seeded_petition
    assert petition.donate_url == "https://www.raicestexas.org/donate/"
    assert petition.volunteer_url == "https://www.raicestexas.org/volunteer/"
    assert (petition.email_hourly_limit, petition.ip_burst_limit, petition.ip_hourly_limit) == (5, 30, 600)
