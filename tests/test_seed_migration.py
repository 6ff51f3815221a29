from pathlib import Path

from petition.models import Petition

SEED = Path(__file__).resolve().parent.parent / "petition" / "seed" / "campaign.txt"


def paragraphs():
    return [block.strip() for block in SEED.read_text(encoding="utf-8").split("\n\n") if block.strip()]


def test_the_first_campaign_is_loaded_open_and_featured(seeded_petition):
    petition = seeded_petition
    title, count_line, *_ = paragraphs()
    assert petition.title == title == (
        "Protect Migrant Children and Families: Fund Family Case Management Program"
    )
    assert count_line == "0 have signed. Let’s get to 10,000!"
    assert petition.goal == 10_000
    assert petition.is_open
    assert Petition.objects.featured() == petition


def test_every_paragraph_of_the_campaign_text_is_in_the_petition_word_for_word(seeded_petition):
    body = seeded_petition.body
    _title, _count_line, *text = paragraphs()
    assert len(text) == 9
    for paragraph in text:
        assert paragraph in body


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
