"""Load the first campaign, so that a fresh install shows it.

The text is petition/seed/campaign.txt, word for word: its title line, its
live-count line (rendered by the page instead) and its paragraphs, with the
two links the original lost restored at the end.
"""

from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "campaign.txt"
SLUG = "protect-migrant-children-and-families"

FIND_REPRESENTATIVE = "https://www.house.gov/representatives/find-your-representative"
FIND_SENATORS = "https://www.senate.gov/senators/senators-contact.htm"
RAICES = "https://www.raicestexas.org/"
TARGETS = [
    "The Trump Administration",
    "U.S. Senate",
    "U.S. House of Representatives",
    "U.S. Department of Homeland Security",
    "U.S. Border Patrol",
    "U.S. Immigration and Customs Enforcement",
]


def campaign_markdown(paragraphs: list[str]) -> str:
    out = []
    for paragraph in paragraphs:
        if paragraph.startswith('"We hold these truths'):
            paragraph = "> " + paragraph
        elif paragraph.startswith("-Declaration of Independence"):
            paragraph = "> " + paragraph
        elif paragraph.endswith("Find your Representatives at"):
            paragraph += f" <{FIND_REPRESENTATIVE}>, and your Senators at <{FIND_SENATORS}>."
        elif paragraph.endswith("Legal Services) at"):
            paragraph += f" <{RAICES}>."
        out.append(paragraph)
    return "\n\n".join(out) + "\n"


def seed(apps, schema_editor):
    Petition = apps.get_model("petition", "Petition")
    blocks = [b.strip() for b in SEED.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    title, _count_line, *paragraphs = blocks
    Petition.objects.update_or_create(
        slug=SLUG,
        defaults={
            "title": title,
            "summary": (
                "Ask the Administration, Congress, DHS, CBP and ICE to release asylum-seeking "
                "families to community supervision and fund the Family Case Management Program."
            ),
            "body": campaign_markdown(paragraphs),
            "targets": "\n".join(TARGETS),
            "goal": 10_000,
            "status": "open",
            "featured": True,
            # Counted at once until email confirmation lands (see the email issue).
            "requires_confirmation": False,
            "find_representative_url": FIND_REPRESENTATIVE,
            "find_senators_url": FIND_SENATORS,
            "donate_url": "https://www.raicestexas.org/donate/",
            "volunteer_url": "https://www.raicestexas.org/volunteer/",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("petition", "Petition").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("petition", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
