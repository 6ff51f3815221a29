"""The first campaign counts a signature only once its owner confirms it by email.

It was seeded counting at once while email confirmation did not exist yet.
"""

from django.db import migrations

SLUG = "protect-migrant-children-and-families"


def require_confirmation(apps, schema_editor):
    apps.get_model("petition", "Petition").objects.filter(slug=SLUG).update(requires_confirmation=True)


def count_at_once(apps, schema_editor):
    apps.get_model("petition", "Petition").objects.filter(slug=SLUG).update(requires_confirmation=False)


class Migration(migrations.Migration):
    dependencies = [("petition", "0002_seed_first_campaign")]
    operations = [migrations.RunPython(require_confirmation, count_at_once)]
