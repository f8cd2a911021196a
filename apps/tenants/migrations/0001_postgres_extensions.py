from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """btree_gist: exclusion constraints that mix equality (learner) with range overlap (dates).
    pg_trgm: fast name search on rosters."""

    initial = True
    dependencies = []
    operations = [BtreeGistExtension(), TrigramExtension()]
