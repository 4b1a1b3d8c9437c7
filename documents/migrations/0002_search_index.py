"""The documents' `search_text` through the one normaliser (accents and case stripped, as
every search of the app), and its search index (pg_trgm / FTS5 trigram; see crm.search)."""

from django.db import migrations

from crm.models.base import search_document
from crm.search import AddSearchIndex

BATCH = 2_000


def refill(apps, schema_editor):
    document = apps.get_model("documents", "Document")
    alias = schema_editor.connection.alias
    rows = (
        document._base_manager.using(alias)
        .select_related("current_version", "quote")
        .only("pk", "title", "current_version__original_name", "quote__number")
        .order_by("pk")
    )
    changed = []
    for row in rows.iterator(chunk_size=BATCH):
        quote = getattr(row, "quote", None)
        parts = [
            row.title,
            quote.number if quote is not None else "",
            row.current_version.original_name if row.current_version_id else "",
        ]
        row.search_text = search_document(parts)
        changed.append(row)
        if len(changed) == BATCH:
            document._base_manager.db_manager(alias).bulk_update(changed, ["search_text"])
            changed = []
    if changed:
        document._base_manager.db_manager(alias).bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("crm", "0015_search_indexes"),
    ]

    operations = [
        migrations.RunPython(refill, migrations.RunPython.noop, elidable=True),
        AddSearchIndex("documents_document"),
    ]
