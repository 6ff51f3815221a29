# The indexes behind the admin's filters and search (issue 4), built with
# CREATE INDEX CONCURRENTLY so that signing goes on while they are built on a
# large table. Concurrent builds cannot run inside a transaction.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('signatures', '0002_issue4_places_exports'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='signature',
            index=models.Index(fields=['petition', 'country', '-created_at'], name='sig_petition_country_created'),
        ),
        AddIndexConcurrently(
            model_name='signature',
            index=models.Index(fields=['petition', 'district', '-created_at'], name='sig_petition_district_created'),
        ),
        AddIndexConcurrently(
            model_name='signature',
            index=models.Index(fields=['petition', 'source', '-created_at'], name='sig_petition_source_created'),
        ),
        AddIndexConcurrently(
            model_name='signature',
            index=models.Index(fields=['petition', 'language', '-created_at'], name='sig_petition_language_created'),
        ),
        AddIndexConcurrently(
            model_name='signature',
            index=models.Index(fields=['status', '-created_at'], name='sig_status_created'),
        ),
        AddIndexConcurrently(
            model_name='signature',
            index=models.Index(condition=models.Q(('public', True)), fields=['petition', '-created_at'], name='sig_public_created'),
        ),
        AddIndexConcurrently(
            model_name='signature',
            index=models.Index(condition=models.Q(('opt_in', True)), fields=['petition', '-created_at'], name='sig_opt_in_created'),
        ),
        AddIndexConcurrently(
            model_name='signature',
            index=models.Index(fields=['postal_code'], name='sig_postal_code_prefix', opclasses=['varchar_pattern_ops']),
        ),
    ]
