from petition.models import Petition


def test_the_first_campaign_requires_email_confirmation(db):
    assert Petition.objects.get(slug="protect-migrant-children-and-families").requires_confirmation
