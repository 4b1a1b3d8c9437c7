"""The search indexes of the `search_text` columns: pg_trgm GIN on PostgreSQL (creates the
extension, which needs a privileged user: the migration says so when it cannot), FTS5
trigram tables kept by triggers on SQLite. See crm.search."""

from django.db import migrations

from crm.search import AddSearchIndex


class Migration(migrations.Migration):
    dependencies = [("crm", "0014_fill_search_text")]

    operations = [
        AddSearchIndex("crm_client"),
        AddSearchIndex("crm_contact"),
        AddSearchIndex("crm_opportunity"),
        AddSearchIndex("crm_complaint"),
    ]
